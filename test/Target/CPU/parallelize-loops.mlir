// RUN: whittle-opt %s --split-input-file --whittle-parallelize-loops="min-work=0" | FileCheck %s
// RUN: whittle-opt %s --split-input-file --whittle-parallelize-loops | FileCheck %s --check-prefix=DEFAULT

// A loop whose iterations write their own row: the outermost loop with at
// least 8 iterations becomes parallel; the one inside stays a loop.
// CHECK-LABEL: func.func @rows
// CHECK:         scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK:           scf.for
// CHECK:             memref.load %{{.*}}[%[[I]], %{{.*}}]
// CHECK:             memref.store %{{.*}}, %{{.*}}[%[[I]], %{{.*}}]
// Too little work to pay for starting threads.
// DEFAULT-LABEL: func.func @rows
// DEFAULT-NOT:     scf.parallel
func.func @rows(%in: memref<16x32xf32>, %out: memref<16x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %j = %c0 to %c32 step %c1 {
      %x = memref.load %in[%i, %j] : memref<16x32xf32>
      %y = arith.addf %x, %x : f32
      memref.store %y, %out[%i, %j] : memref<16x32xf32>
    }
  }
  return
}

// -----

// A batch of one: the image loop runs once, and the channel loop inside is
// the parallel one.
// CHECK-LABEL: func.func @batch_of_one
// CHECK:         scf.for %[[N:.*]] =
// CHECK:           scf.parallel (%[[C:.*]]) =
// CHECK:             memref.store %{{.*}}, %{{.*}}[%[[N]], %[[C]], %{{.*}}]
// DEFAULT-LABEL: func.func @batch_of_one
// DEFAULT:         scf.parallel
func.func @batch_of_one(%in: memref<1x64x1024xf32>, %out: memref<1x64x1024xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c1024 = arith.constant 1024 : index
  scf.for %n = %c0 to %c1 step %c1 {
    scf.for %c = %c0 to %c64 step %c1 {
      scf.for %p = %c0 to %c1024 step %c1 {
        %x = memref.load %in[%n, %c, %p] : memref<1x64x1024xf32>
        %y = arith.mulf %x, %x : f32
        memref.store %y, %out[%n, %c, %p] : memref<1x64x1024xf32>
      }
    }
  }
  return
}

// -----

// Tiles of 6 rows by a vector of 16 from row `m`: each iteration stays
// within its 6 rows. Shifted by one row, neighbours would write the same
// row, and the loop stays sequential.
// CHECK-LABEL: func.func @tiles
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c12) step (%c6)
// CHECK-LABEL: func.func @overlapping_tiles
// CHECK-NOT:     scf.parallel
func.func @tiles(%w: memref<12x9xf32>, %out: memref<12x16xf32>) {
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %c12 = arith.constant 12 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = ub.poison : f32
  scf.for %m = %c0 to %c12 step %c6 {
    scf.for %p = %c0 to %c16 step %c16 {
      %acc = vector.transfer_read %out[%m, %p], %pad {in_bounds = [true, true]} : memref<12x16xf32>, vector<6x16xf32>
      %sum = arith.addf %acc, %acc : vector<6x16xf32>
      vector.transfer_write %sum, %out[%m, %p] {in_bounds = [true, true]} : vector<6x16xf32>, memref<12x16xf32>
    }
  }
  return
}
func.func @overlapping_tiles(%out: memref<13x16xf32>) {
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %c12 = arith.constant 12 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %pad = ub.poison : f32
  scf.for %m = %c0 to %c12 step %c6 {
    scf.for %p = %c0 to %c16 step %c16 {
      %acc = vector.transfer_read %out[%m, %p], %pad {in_bounds = [true, true]} : memref<13x16xf32>, vector<6x16xf32>
      %sum = arith.addf %acc, %acc : vector<6x16xf32>
      %next = affine.apply affine_map<(d0) -> (d0 + 1)>(%m)
      vector.transfer_write %sum, %out[%next, %p] {in_bounds = [true, true]} : vector<6x16xf32>, memref<13x16xf32>
    }
  }
  return
}

// -----

// Every iteration adds into the same element (a reduction), or reads what
// the previous one wrote (a running sum): both stay sequential.
// CHECK-LABEL: func.func @reduction
// CHECK-NOT:     scf.parallel
// CHECK-LABEL: func.func @running_sum
// CHECK-NOT:     scf.parallel
func.func @reduction(%in: memref<64xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = memref.load %in[%i] : memref<64xf32>
    %s = memref.load %out[%c0] : memref<1xf32>
    %t = arith.addf %s, %x : f32
    memref.store %t, %out[%c0] : memref<1xf32>
  }
  return
}
func.func @running_sum(%buf: memref<65xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.for %i = %c0 to %c64 step %c1 {
    %x = memref.load %buf[%i] : memref<65xf32>
    %next = arith.addi %i, %c1 : index
    %y = memref.load %buf[%next] : memref<65xf32>
    %t = arith.addf %x, %y : f32
    memref.store %t, %buf[%next] : memref<65xf32>
  }
  return
}

// -----

// A scratch buffer allocated in each iteration is its own; one allocated
// outside is shared by all of them (the loops inside, whose iterations
// write their own element, are parallel instead).
// CHECK-LABEL: func.func @private_scratch
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c16)
// CHECK-LABEL: func.func @shared_scratch
// CHECK:         scf.for %{{.*}} = %c0 to %c16
// CHECK-NEXT:      scf.parallel (%{{.*}}) = (%c0) to (%c8)
func.func @private_scratch(%in: memref<16x8xf32>, %out: memref<16x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %tmp = memref.alloc() : memref<8xf32>
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %in[%i, %j] : memref<16x8xf32>
      memref.store %x, %tmp[%j] : memref<8xf32>
    }
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %tmp[%j] : memref<8xf32>
      memref.store %x, %out[%i, %j] : memref<16x8xf32>
    }
    memref.dealloc %tmp : memref<8xf32>
  }
  return
}
func.func @shared_scratch(%in: memref<16x8xf32>, %out: memref<16x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %tmp = memref.alloc() : memref<8xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %in[%i, %j] : memref<16x8xf32>
      memref.store %x, %tmp[%j] : memref<8xf32>
    }
    scf.for %j = %c0 to %c8 step %c1 {
      %x = memref.load %tmp[%j] : memref<8xf32>
      memref.store %x, %out[%i, %j] : memref<16x8xf32>
    }
  }
  memref.dealloc %tmp : memref<8xf32>
  return
}

// -----

// Subviews are followed: a padded copy writes rows `1 + i` of the buffer it
// views. A read through a view the analysis does not follow (a collapse)
// of a buffer the loop writes keeps the loop sequential, and so does a
// call, whose effects are unknown.
// CHECK-LABEL: func.func @padded_copy
// CHECK:         scf.parallel
// CHECK-LABEL: func.func @collapsed_read
// CHECK-NOT:     scf.parallel
// CHECK-LABEL: func.func @call
// CHECK-NOT:     scf.parallel
func.func @padded_copy(%in: memref<16x16xf32>, %out: memref<18x18xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %view = memref.subview %out[1, 1] [16, 16] [1, 1] : memref<18x18xf32> to memref<16x16xf32, strided<[18, 1], offset: 19>>
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %j = %c0 to %c16 step %c1 {
      %x = memref.load %in[%i, %j] : memref<16x16xf32>
      memref.store %x, %view[%i, %j] : memref<16x16xf32, strided<[18, 1], offset: 19>>
    }
  }
  return
}
func.func @collapsed_read(%buf: memref<16x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %flat = memref.collapse_shape %buf [[0, 1]] : memref<16x4xf32> into memref<64xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %flat[%c4] : memref<64xf32>
    memref.store %x, %buf[%i, %c0] : memref<16x4xf32>
  }
  return
}
func.func private @effects(memref<16xf32>)
func.func @call(%buf: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c16 step %c1 {
    memref.store %zero, %buf[%i] : memref<16xf32>
    func.call @effects(%buf) : (memref<16xf32>) -> ()
  }
  return
}

// -----

// A loop that carries a value from one iteration to the next stays.
// CHECK-LABEL: func.func @carried
// CHECK-NOT:     scf.parallel
func.func @carried(%out: memref<16xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %sum = scf.for %i = %c0 to %c16 step %c1 iter_args(%acc = %zero) -> f32 {
    memref.store %acc, %out[%i] : memref<16xf32>
    %next = arith.addf %acc, %acc : f32
    scf.yield %next : f32
  }
  return %sum : f32
}

// -----

// A convolution image by image: the image's output is a subview collapsed
// to a matrix (the image dimension stays as it is), the im2col matrix a
// buffer of the iteration's own. A write through an expansion of a flat
// buffer is at `4 * i + j`: iterations 4 elements apart, each writing 4.
// CHECK-LABEL: func.func @per_image
// CHECK:         scf.parallel
// CHECK-LABEL: func.func @expanded
// CHECK:         scf.parallel
// CHECK-LABEL: func.func @expanded_overlapping
// CHECK-NOT:     scf.parallel
func.func @per_image(%in: memref<8x4x100xf32>, %out: memref<8x8x10x10xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c100 = arith.constant 100 : index
  scf.for %n = %c0 to %c8 step %c1 {
    %image = memref.subview %out[%n, 0, 0, 0] [1, 8, 10, 10] [1, 1, 1, 1] : memref<8x8x10x10xf32> to memref<1x8x10x10xf32, strided<[800, 100, 10, 1], offset: ?>>
    %matrix = memref.collapse_shape %image [[0], [1], [2, 3]] : memref<1x8x10x10xf32, strided<[800, 100, 10, 1], offset: ?>> into memref<1x8x100xf32, strided<[800, 100, 1], offset: ?>>
    %col = memref.alloc() : memref<100xf32>
    scf.for %p = %c0 to %c100 step %c1 {
      %x = memref.load %in[%n, %c0, %p] : memref<8x4x100xf32>
      memref.store %x, %col[%p] : memref<100xf32>
    }
    scf.for %p = %c0 to %c100 step %c1 {
      %x = memref.load %col[%p] : memref<100xf32>
      memref.store %x, %matrix[%c0, %c1, %p] : memref<1x8x100xf32, strided<[800, 100, 1], offset: ?>>
    }
    memref.dealloc %col : memref<100xf32>
  }
  return
}
func.func @expanded(%flat: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %grid = memref.expand_shape %flat [[0, 1]] output_shape [16, 4] : memref<64xf32> into memref<16x4xf32>
  scf.for %i = %c0 to %c16 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      memref.store %zero, %grid[%i, %j] : memref<16x4xf32>
    }
  }
  return
}
func.func @expanded_overlapping(%flat: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c15 = arith.constant 15 : index
  %zero = arith.constant 0.0 : f32
  %grid = memref.expand_shape %flat [[0, 1]] output_shape [16, 4] : memref<64xf32> into memref<16x4xf32>
  scf.for %i = %c0 to %c15 step %c1 {
    scf.for %j = %c0 to %c4 step %c1 {
      memref.store %zero, %grid[%i, %j] : memref<16x4xf32>
      %next = arith.addi %i, %c1 : index
      memref.store %zero, %grid[%next, %c0] : memref<16x4xf32>
    }
  }
  return
}

// -----

// A channel strip of one vector collapsed with the image dimension ([1, 1]
// -> [1]: the index reaches the one dimension that is not of one element)
// and a copy of a whole buffer of the iteration's own into the image's
// slice: both placed, the image loop runs in parallel. A copy into the
// whole output from every iteration overlaps and stays sequential.
// CHECK-LABEL: func.func @strip_of_one
// CHECK:         scf.parallel (%{{.+}}) = (%c0) to (%c8)
// CHECK-NOT:     scf.parallel
// CHECK-LABEL: func.func @copy_everywhere
// CHECK-NOT:     scf.parallel
func.func @strip_of_one(%in: memref<8x32x4xf32>, %out: memref<8x32x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  scf.for %n = %c0 to %c8 step %c1 {
    %image = memref.subview %in[%n, 0, 0] [1, 32, 4] [1, 1, 1] : memref<8x32x4xf32> to memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>>
    %strips = memref.expand_shape %image [[0], [1, 2], [3]] output_shape [1, 1, 32, 4] : memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>> into memref<1x1x32x4xf32, strided<[128, 128, 4, 1], offset: ?>>
    %merged = memref.collapse_shape %strips [[0, 1], [2], [3]] : memref<1x1x32x4xf32, strided<[128, 128, 4, 1], offset: ?>> into memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>>
    %own = memref.alloc() : memref<1x32x4xf32>
    scf.for %c = %c0 to %c32 step %c1 {
      scf.for %p = %c0 to %c4 step %c1 {
        %x = memref.load %merged[%c0, %c, %p] : memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>>
        memref.store %x, %own[%c0, %c, %p] : memref<1x32x4xf32>
      }
    }
    %slice = memref.subview %out[%n, 0, 0] [1, 32, 4] [1, 1, 1] : memref<8x32x4xf32> to memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>>
    memref.copy %own, %slice : memref<1x32x4xf32> to memref<1x32x4xf32, strided<[128, 4, 1], offset: ?>>
    memref.dealloc %own : memref<1x32x4xf32>
  }
  return
}
func.func @copy_everywhere(%in: memref<32x4xf32>, %out: memref<32x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %n = %c0 to %c8 step %c1 {
    memref.copy %in, %out : memref<32x4xf32> to memref<32x4xf32>
  }
  return
}
