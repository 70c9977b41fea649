/* Runs tiny_net as whittlec compiled it (--emit=obj or --emit=shared):
   reads the raw float32 input from argv[1], writes the raw float32 output
   to argv[2]. Runs the model twice and fails if the runs disagree: a
   compiled model must keep no state between calls. */
#include "tiny_net.h"

#include <stdio.h>
#include <string.h>

static float input[TINY_NET_INPUT_1_COUNT];
static float output[TINY_NET_PROBS_SOFTMAX_0_COUNT];
static float again[TINY_NET_PROBS_SOFTMAX_0_COUNT];

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

  tiny_net(input, output);
  tiny_net(input, again);
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
