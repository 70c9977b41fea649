/* Runs a model as whittlec compiled it (--emit=obj or --emit=shared),
   through its generated header, given on the command line:

     cc -include NAME.h -DMODEL=NAME -DINPUT_COUNT=... -DOUTPUT_COUNT=...
        [-DTHREADS=N] run_model.c ...

   for a model of one float32 input and one float32 output. Reads the raw
   input from argv[1], writes the raw output to argv[2]. Runs the model
   twice and fails if the runs disagree in any bit: a compiled model must
   keep no state between calls, and with THREADS the first run is on one
   thread of the OpenMP runtime and the second on THREADS. */
#include <stdio.h>
#include <string.h>

#ifdef THREADS
/* From the OpenMP runtime (omp.h ships with the compiler, not libomp). */
void omp_set_num_threads(int);
#endif

static float input[INPUT_COUNT];
static float output[OUTPUT_COUNT];
static float again[OUTPUT_COUNT];

int main(int argc, char **argv) {
  FILE *file;
  if (argc != 3) {
    fprintf(stderr, "usage: %s INPUT.raw OUTPUT.raw\n", argv[0]);
    return 2;
  }
  file = fopen(argv[1], "rb");
  if (!file || fread(input, sizeof input, 1, file) != 1) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  fclose(file);

#ifdef THREADS
  omp_set_num_threads(1);
#endif
  MODEL(input, output);
#ifdef THREADS
  omp_set_num_threads(THREADS);
#endif
  MODEL(input, again);
  if (memcmp(output, again, sizeof output) != 0) {
    fprintf(stderr, "two runs on the same input disagree\n");
    return 1;
  }

  file = fopen(argv[2], "wb");
  if (!file || fwrite(output, sizeof output, 1, file) != 1 || fclose(file)) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
