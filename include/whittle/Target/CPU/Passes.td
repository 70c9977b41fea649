//===- Passes.td - code generation passes ------------------*- tablegen -*-===//
//
// Part of the whittle project.
//
//===----------------------------------------------------------------------===//

#ifndef WHITTLE_TARGET_CPU_PASSES_TD
#define WHITTLE_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def LinalgLoopOrder : Pass<"whittle-linalg-loop-order", "mlir::func::FuncOp"> {
  let summary = "Order the loops of linalg reductions and collapse those of "
                "elementwise ops for the CPU's vector units";
  let description = [{
    Generalizes linalg named ops with reduction loops (convolutions,
    matrix products, pooling) and interchanges their loops so that the
    reduction loops come before the loop that indexes the output's
    innermost dimension: `C[i, j] += A[i, k] * B[k, j]` runs as `i, k, j`
    and `Y[n, f, y, x] += X[n, c, y + ky, x + kx] * W[f, c, ky, kx]` as
    `n, f, y, c, ky, kx, x`. The innermost loop then walks the output and
    (for unit strides) the input contiguously with loop-invariant weights,
    which LLVM's loop vectorizer turns into vector fused multiply-adds. Ops
    whose innermost output dimension is shorter than `min-inner-size` keep
    their order.

    Elementwise generics (all loops parallel, static shapes) then get each
    run of consecutive loops that every operand walks contiguously
    collapsed into one loop (upstream's dimension collapsing): a short
    innermost loop (the 16 or 32 filters of a channel strip) would be
    unrolled by LLVM and the next loop out vectorized with gathers.
  }];
  let options = [
    Option<"minInnerSize", "min-inner-size", "int64_t", /*default=*/"4",
           "Smallest innermost output extent worth moving innermost">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def VectorizeContractions
    : Pass<"whittle-vectorize-contractions", "mlir::func::FuncOp"> {
  let summary = "Rewrite convolutions as matrix products and tile and "
                "vectorize matrix products into register-blocked kernels";
  let description = [{
    Runs on tensors, before bufferization. A `linalg.conv_2d_nchw_fchw`
    becomes a matrix product: a 1x1 convolution with unit strides through
    collapsed views of its operands, any other through an explicit im2col
    buffer (upstream `rewriteInIm2Col`). Every contraction whose output and
    right-hand operand are contiguous along the output's innermost loop
    (`n`) is then tiled into `batch=1, m=register-rows, n=vector-width,
    k<=max-reduction-tile` tiles (the `k` tile divides its extent, so the
    accumulator stays in registers for the whole reduction), the `m` and
    `n` loops are peeled so that every tile has a static shape, and each
    tile becomes a `vector.contract`. After bufferization,
    `whittle-hoist-vector-transfers` keeps the accumulator tile in
    registers across the reduction loop and LLVM lowers each contraction
    to broadcasts and fused multiply-adds: the classic outer-product
    micro-kernel.

    A float convolution with constant weights whose filters fill whole
    vectors and whose pixels do not (7x7 and 14x14 maps) runs on channel
    strips instead: vectors of `vector-width` filters, `register-rows`
    pixels per tile, the weights repacked at compile time into panels
    [filters / width, K, width] (a transpose of the constant, which
    `whittle-fold-constant-transposes` folds), one strip's panel reused by
    every pixel while it stays in the caches. The product's output is
    pixel-major within a strip; the transposes to and from it are
    elementwise and fuse with the init's producer and the consumers.

    Integer convolutions (i8 input, weights i8 or sign-extended from i8,
    i32 accumulator) instead get an x86 dot-product kernel when
    `int8-kernel` names one (or `auto` finds the host CPU has it): the
    im2col matrix is packed into panels whose 32-bit lanes hold 4 (vnni)
    or 2 (vpmaddwd) consecutive reduction elements of one output pixel,
    and each kernel step broadcasts that many weight bytes and multiplies
    them into 16 (or 8) pixel lanes with one `vpdpbusd` (or `vpmaddwd`),
    called as an LLVM intrinsic. vpdpbusd multiplies unsigned by signed
    bytes: the input is packed as `x + 128` (x xor 0x80) and the
    accumulator starts at `init - 128 * sum(w)` per filter (folded at
    compile time for constant weights). vpmaddwd multiplies i16 pairs,
    which never saturate for i8 values. `vpmaddubsw` is not used: its
    saturating 16-bit pair sums are not exact for general int8 weights.
  }];
  let options = [
    Option<"registerRows", "register-rows", "int64_t", /*default=*/"6",
           "Largest tile of the output's row dimension (m)">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Tile of the output's contiguous dimension (n)">,
    Option<"maxReductionTile", "max-reduction-tile", "int64_t",
           /*default=*/"16", "Largest tile of the reduction dimension (k)">,
    Option<"int8Kernel", "int8-kernel", "std::string", /*default=*/"\"auto\"",
           "Kernel for i8 x i8 -> i32 convolutions: vnni (AVX-512 "
           "vpdpbusd), vpmaddwd (AVX2 vpmaddwd on i16), none (the i32 "
           "outer-product kernel), auto (the best the host CPU has)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect",
  ];
}

def VectorizeTransposes
    : Pass<"whittle-vectorize-transposes", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorize layout changes";
  let description = [{
    Runs on tensors, after elementwise fusion. A `linalg.generic` whose
    loops are all parallel, whose output is written in loop order and which
    reads an input whose innermost dimension is another loop (a transpose
    between NCHW and NHWC, possibly fused with the ReLU6 before it) is
    tiled into `vector-width` x `vector-width` tiles over the output's and
    that input's innermost loops (1 on the others, remainders peeled into
    static tiles), and each tile is vectorized: a contiguous vector read of
    the input, a `vector.transpose` in registers and contiguous writes. As
    loops, such an op read or wrote one element at a time with a stride of
    a whole channel.

    Ops with fewer than `min-elements` elements per image (all loops but
    the outermost) stay loops: each vectorized layout change adds LLVM
    work (on all of MobileNetV2-224 about 1 s of a 2.5 s compile for 2 of
    its 13 ms; on the 28x28 MobileNetV2 fixture at batch 100, 1 s for 3 of
    its 55 ms), and the large maps, whose tiles are mostly full, hold most
    of the time saved.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Tile side: elements per vector">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"262144",
           "Smallest layout change (in elements per image) worth "
           "vectorizing">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::affine::AffineDialect"];
}

def FoldConstantTransposes
    : Pass<"whittle-fold-constant-transposes", "mlir::func::FuncOp"> {
  let summary = "Transpose constant tensors at compile time";
  let description = [{
    Runs on tensors. A `linalg.transpose`, or a `linalg.generic` whose only
    work is to permute its one input into its init (as the lowering builds
    layout changes, so that elementwise fusion can merge them), whose input
    is a constant (dense or `dense_resource`, possibly through
    `tensor.collapse_shape` or `tensor.expand_shape`) becomes the
    transposed constant. The bytes are moved, not converted, so every
    integer and float element type keeps its exact values. Transposed
    weights (a fully connected layer's `transB`, the channels-last filters
    of depthwise convolutions) are then laid out once, when the model is
    compiled, instead of on every run.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def X86DotProducts : Pass<"whittle-x86-dot-products", "mlir::func::FuncOp"> {
  let summary = "Emit the x86 dot-product instructions of the int8 kernels";
  let description = [{
    Runs after bufferization and buffer deallocation (which rejects the
    unknown memory effects of an intrinsic call). Each grouped dot product
    that `whittle-vectorize-contractions` wrote as plain vector ops (an
    extended multiply and a `vector.multi_reduction` marked
    `whittle.x86_dot`) becomes the intrinsic the mark names:
    `llvm.x86.avx512.vpdpbusd.512(acc, a, b)` or
    `acc + llvm.x86.avx2.pmadd.wd(a, b)`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def HoistVectorTransfers
    : Pass<"whittle-hoist-vector-transfers", "mlir::func::FuncOp"> {
  let summary = "Keep loop-carried vector tiles in registers";
  let description = [{
    Runs after bufferization: a vector read from and written back to the
    same buffer location in every iteration of a loop (the accumulator of
    a vectorized contraction across its reduction loop) is read once
    before the loop and written once after it (upstream
    `hoistRedundantVectorTransfers`).
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

def LowerStridedCopies
    : Pass<"whittle-lower-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Turn copies between strided buffers into linalg.copy";
  let description = [{
    `memref.copy` between buffers that are not both contiguous lowers to a
    call into MLIR's C runner utilities (`memrefCopy`), which a compiled
    model linked into a user's program does not have. Such copies become
    `linalg.copy`, which lowers to loops; contiguous copies stay
    `memref.copy` and become `memcpy`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def OutlineLayers : Pass<"whittle-outline-layers", "mlir::ModuleOp"> {
  let summary = "Move each top-level loop nest of a function on buffers "
                "into a function of its own";
  let description = [{
    Runs on buffers, before the lowering to loops. Every operation with
    regions and no results at the top of a function (a loop nest, a linalg
    op on buffers) becomes a private, `no_inline` function taking the
    values it uses from above as arguments (constants are recomputed
    inside; the weights' `memref.get_global` are arguments) and is replaced
    by a call. Functions with the same body (the repeated blocks of a
    ResNet) are merged into one. LLVM's function analyses then see one
    layer at a time, which keeps compile time linear in the size of the
    model, each distinct layer is compiled once, and the code generator
    compiles the functions in parallel. A nest that uses a value the
    bare-pointer calling convention cannot pass (a buffer with a dynamic
    shape, stride or offset) stays where it is.
  }];
  let options = [
    Option<"minNests", "min-nests", "unsigned", /*default=*/"2",
           "Leave functions with fewer loop nests than this as they are">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect"];
}

def OutlineIterations : Pass<"whittle-outline-iterations", "mlir::ModuleOp"> {
  let summary = "Run each scf.parallel in one chunk of iterations per "
                "thread, each chunk a function call";
  let description = [{
    Runs after `whittle-parallelize-loops`. The OpenMP lowering passes a
    parallel loop's buffers to its threads through a struct of pointers,
    in which LLVM no longer sees that they cannot overlap, so it repeats
    loads and gives up vectorizing copies. The body of every scf.parallel
    with constant bounds becomes a private `no_inline` function running
    the iterations [lo, hi) in a sequential loop, with `llvm.noalias` on
    buffers that cannot overlap (as in `whittle-outline-layers`, whose
    arguments count as distinct when they are `noalias` themselves);
    identical functions are merged. When the OpenMP runtime has more than
    one thread (`omp_get_max_threads`), the parallel loop runs
    min(threads, iterations) contiguous chunks; with one, a single call
    runs them all, without the runtime's bookkeeping of a parallel region.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::scf::SCFDialect"];
}

def PlanMemory : Pass<"whittle-plan-memory", "mlir::ModuleOp"> {
  let summary = "Place the temporaries of a model's entry in one workspace, "
                "sharing bytes between buffers that are not live together";
  let description = [{
    Runs on buffers after buffer deallocation, which frees every temporary
    at the end of its block, so that a model would hold all of its
    activations at once, and after `whittle-outline-layers`. In the body of
    every public function (a model's entry), the allocations with a static
    shape that are freed once in the body and never escape (returned,
    yielded, or turned into a memref other than a view) become
    `memref.view`s of one workspace. A buffer lives from the first to the
    last operation of the body that uses it or one of its views (an
    operation with regions counts as a whole); two buffers share bytes only
    when their live ranges are disjoint. Offsets are assigned largest buffer
    first, each at the lowest free offset (64-byte aligned) during its live
    range. The model then needs its peak of live memory instead of the sum
    of its temporaries, and reuses the same pages from layer to layer.

    Only entries: after outlining, their operations are calls whose buffer
    arguments are `noalias` where the buffers are distinct. In a loop nest,
    LLVM knows that two allocations do not overlap but cannot tell two views
    of one workspace apart, and would vectorize less.

    The workspace is a global of the module, so that every run after the
    first reuses the pages the first touched (glibc maps blocks over 32 MiB
    afresh, and each run paid for their page faults): a call takes it by an
    atomic exchange of a flag and gives it back at the end; a call that
    finds it taken (another thread running the same model) allocates its
    own. A workspace larger than `max-persistent-bytes`, or that would take
    the module's globals past 1.5 GiB (code reaches them within 2 GiB), is
    allocated per call.
  }];
  let options = [
    Option<"maxPersistentBytes", "max-persistent-bytes", "int64_t",
           /*default=*/"1073741824",
           "The largest workspace kept as a global between runs (bytes)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def DistinctResultBuffers
    : Pass<"whittle-distinct-result-buffers", "mlir::func::FuncOp"> {
  let summary = "Give a buffer returned more than once a copy per result";
  let description = [{
    Runs between bufferization and `buffer-results-to-out-params`, which
    turns every returned buffer into a copy into a caller-provided one and
    cannot handle one buffer returned twice (a model whose outputs are the
    same tensor, such as `Y = Relu(X); Z = Identity(Y)`). Every repeat of
    a returned buffer becomes a fresh allocation holding a copy.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ParallelizeLoops
    : Pass<"whittle-parallelize-loops", "mlir::func::FuncOp"> {
  let summary = "Run the iterations of independent loops on several threads";
  let description = [{
    Runs on loops over buffers (after the lowering of linalg to loops). In
    every loop nest with at least `min-work` operations (vector operations
    count by their elements), the outermost loop with at least `min-trips`
    iterations (or, when none has that many, the outermost with two) whose
    iterations touch disjoint data becomes an `scf.parallel`, which the
    OpenMP conversion runs on the OpenMP runtime's threads. Disjointness is
    proven: every access to a buffer the loop writes must stay, along one
    dimension, in a window that moves with the loop's variable and is
    narrower than the distance between two iterations (followed through
    subviews, collapses and expansions); buffers allocated inside the loop
    are private. A loop with an access the analysis cannot place (a call,
    a view it does not follow, an index that is not affine in the loop
    variables) stays sequential. Each iteration computes what it computed in sequence, so
    results do not depend on the number of threads.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "Leave loop nests with less work than this sequential (the "
           "threads' start costs microseconds)">,
    Option<"minTrips", "min-trips", "int64_t", /*default=*/"8",
           "Prefer the outermost loop with at least this many iterations">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

#endif // WHITTLE_TARGET_CPU_PASSES_TD
