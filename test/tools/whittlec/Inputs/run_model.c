/* Runs a model as whittlec compiled it (--emit=obj or --emit=shared),
   through its generated header, given on the command line:

     cc -include NAME.h -DMODEL=NAME -DINPUT_COUNT=... -DOUTPUT_COUNT=...
        [-DTHREADS=N] [-DCONCURRENT=N -pthread] run_model.c ...

   for a model of one float32 input and one float32 output. Reads the raw
   input from argv[1], writes the raw output to argv[2]. Runs the model
   twice and fails if the runs disagree in any bit: a compiled model must
   keep no state between calls, and with THREADS the first run is on one
   thread of the OpenMP runtime and the second on THREADS. With CONCURRENT,
   that many threads then run the model at once, 20 times each, and each
   result must be the first's (a call finding the model's workspace taken
   by another allocates its own). */
#include <stdio.h>
#include <string.h>

#ifdef THREADS
/* From the OpenMP runtime (omp.h ships with the compiler, not libomp). */
void omp_set_num_threads(int);
#endif

static float input[INPUT_COUNT];
static float output[OUTPUT_COUNT];
static float again[OUTPUT_COUNT];

#ifdef CONCURRENT
#include <pthread.h>
static float concurrent[CONCURRENT][OUTPUT_COUNT];

static void *run_repeatedly(void *result) {
  int i;
  for (i = 0; i < 20; ++i) {
    MODEL(input, (float *)result);
    if (memcmp(output, result, sizeof output) != 0)
      return result;
  }
  return NULL;
}
#endif

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
#ifdef CONCURRENT
  {
    pthread_t threads[CONCURRENT];
    int t, failed = 0;
    for (t = 0; t < CONCURRENT; ++t)
      if (pthread_create(&threads[t], NULL, run_repeatedly, concurrent[t])) {
        fprintf(stderr, "cannot start a thread\n");
        return 1;
      }
    for (t = 0; t < CONCURRENT; ++t) {
      void *disagreed;
      pthread_join(threads[t], &disagreed);
      failed |= disagreed != NULL;
    }
    if (failed) {
      fprintf(stderr, "concurrent runs on the same input disagree\n");
      return 1;
    }
  }
#endif

  file = fopen(argv[2], "wb");
  if (!file || fwrite(output, sizeof output, 1, file) != 1 || fclose(file)) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
