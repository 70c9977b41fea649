/* Runs examples/fashion_cnn.onnx as whittlec --emit=obj compiled it (batch
   4): reads the raw float32 input from argv[1], writes the raw float32
   output to argv[2]. Runs the model on 1 and on 3 threads of the OpenMP
   runtime and fails if the runs disagree in any bit. */
#include "fashion_cnn.h"

#include <stdio.h>
#include <string.h>

/* From the OpenMP runtime (omp.h ships with the compiler, not libomp). */
void omp_set_num_threads(int);

static float input[FASHION_CNN_INPUT_COUNT];
static float output[FASHION_CNN_LOGITS_COUNT];
static float threaded[FASHION_CNN_LOGITS_COUNT];

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

  omp_set_num_threads(1);
  fashion_cnn(input, output);
  omp_set_num_threads(3);
  fashion_cnn(input, threaded);
  if (memcmp(output, threaded, sizeof output) != 0) {
    fprintf(stderr, "1 and 3 threads disagree\n");
    return 1;
  }

  file = fopen(argv[2], "wb");
  if (!file || fwrite(output, sizeof output, 1, file) != 1 || fclose(file)) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
