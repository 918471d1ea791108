/* The C ABI from C on the host (x86-64, built with -fsanitize=address,undefined
 * by .ci/ffi.sh): every query checked against a computation in C, fine-tuning
 * and the classifier head, then NULLs, bad lengths, misaligned pointers,
 * unopened handles and damaged blobs, each with its status code.
 *
 * Usage: host_test MODEL.bin (the firmware's int8 model). Exit status 0 when
 * every check passes. */
#include <math.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiny_word2vec.h"

static int passed, failed;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      passed++;                                                                \
    } else {                                                                   \
      failed++;                                                                \
      fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond);       \
    }                                                                          \
  } while (0)

/* A call that must return `want`. */
#define EXPECT(want, call)                                                     \
  do {                                                                         \
    tw2v_status got_ = (call);                                                 \
    if (got_ == (want)) {                                                      \
      passed++;                                                                \
    } else {                                                                   \
      failed++;                                                                \
      fprintf(stderr, "%s:%d: FAILED: %s gave %d (%s), expected %s\n",         \
              __FILE__, __LINE__, #call, (int)got_,                            \
              tw2v_status_message(got_), #want);                               \
    }                                                                          \
  } while (0)

#define S(w) (w), strlen(w)

/* The library's panic handler calls this; it must never run. */
void tw2v_rust_panic(void) {
  fprintf(stderr, "tw2v_rust_panic: the library panicked\n");
  abort();
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  /* 16-byte aligned, as the blob's rows are read in place. */
  uint8_t *buf = aligned_alloc(16, ((size_t)n + 15) / 16 * 16 + 16);
  if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static double cosine_ref(const float *a, const float *b, size_t n) {
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < n; i++) {
    ab += (double)a[i] * b[i];
    aa += (double)a[i] * a[i];
    bb += (double)b[i] * b[i];
  }
  return (aa == 0 || bb == 0) ? 0 : ab / sqrt(aa * bb);
}

static void handle_layout(void) {
  CHECK(sizeof(tw2v_model) == TW2V_MODEL_SIZE);
  CHECK(alignof(tw2v_model) == TW2V_MODEL_ALIGN);
  CHECK(sizeof(tw2v_finetune) == TW2V_FINETUNE_SIZE);
  CHECK(alignof(tw2v_finetune) == TW2V_FINETUNE_ALIGN);
  CHECK(sizeof(tw2v_classifier) == TW2V_CLASSIFIER_SIZE);
  CHECK(alignof(tw2v_classifier) == TW2V_CLASSIFIER_ALIGN);
  CHECK(sizeof(tw2v_neighbour) == 8);
  size_t bytes = 0;
  EXPECT(TW2V_OK, tw2v_finetune_buffer_size(48, 64, &bytes));
  CHECK(bytes == TW2V_FINETUNE_BUFFER_SIZE(48, 64));
  EXPECT(TW2V_ERR_LENGTH, tw2v_finetune_buffer_size(SIZE_MAX, 2, &bytes));
  EXPECT(TW2V_ERR_NULL, tw2v_finetune_buffer_size(1, 1, NULL));
  for (int code = 0; code < 200; code++) CHECK(tw2v_status_message(code) != NULL);
  CHECK(strcmp(tw2v_status_message(TW2V_ERR_BLOB_CHECKSUM),
               "blob: checksum mismatch (corrupted data)") == 0);
  CHECK(strcmp(tw2v_status_message(-7), "unknown status code") == 0);
}

/* Word <-> index for every word, vectors, cosines and top-k against C. */
static void queries(const tw2v_model *m, const tw2v_info *info) {
  const size_t d = info->dim;
  float *all = malloc(sizeof(float) * d * info->vocab);
  size_t round_trips = 0;
  for (uint32_t i = 0; i < info->vocab; i++) {
    const char *w = NULL;
    size_t n = 0;
    uint32_t back = UINT32_MAX;
    if (tw2v_word(m, i, &w, &n) == TW2V_OK && tw2v_word_index(m, w, n, &back) == TW2V_OK &&
        back == i && tw2v_word_vector(m, w, n, all + i * d, d) == TW2V_OK)
      round_trips++;
  }
  CHECK(round_trips == info->vocab);

  uint32_t whale = 0, sea = 0;
  EXPECT(TW2V_OK, tw2v_word_index(m, S("whale"), &whale));
  EXPECT(TW2V_OK, tw2v_word_index(m, S("sea"), &sea));
  float c = 0;
  EXPECT(TW2V_OK, tw2v_cosine(m, S("whale"), S("sea"), &c));
  CHECK(fabs(c - cosine_ref(all + whale * d, all + sea * d, d)) < 1e-5);
  float cv = 0;
  EXPECT(TW2V_OK, tw2v_cosine_vectors(all + whale * d, all + sea * d, d, &cv));
  CHECK(fabs(cv - c) < 1e-5);

  /* Top-10 against a brute-force pass in C. */
  tw2v_neighbour out[10];
  size_t found = 0;
  EXPECT(TW2V_OK, tw2v_nearest(m, S("whale"), out, 10, &found));
  CHECK(found == 10);
  double tenth = 2, best_other = -2;
  for (size_t k = 0; k < found; k++) {
    double ck = cosine_ref(all + whale * d, all + out[k].index * d, d);
    CHECK(fabs(ck - out[k].cosine) < 1e-5);
    tenth = ck < tenth ? ck : tenth;
  }
  for (uint32_t i = 0; i < info->vocab; i++) {
    int listed = i == whale;
    for (size_t k = 0; k < found; k++) listed |= out[k].index == i;
    double ci = cosine_ref(all + whale * d, all + i * d, d);
    if (!listed && ci > best_other) best_other = ci;
  }
  CHECK(tenth >= best_other - 1e-5); /* nothing left out beats the listed */
  for (size_t k = 1; k < found; k++) CHECK(out[k - 1].cosine >= out[k].cosine);
  for (size_t k = 0; k < found; k++) CHECK(out[k].index != whale);
  printf("nearest to whale:");
  for (size_t k = 0; k < found; k++) {
    const char *w;
    size_t n;
    if (tw2v_word(m, out[k].index, &w, &n) == TW2V_OK)
      printf(" %.*s (%.2f)", (int)n, w, out[k].cosine);
  }
  printf("\n");

  /* The mean of a sentence's known words. */
  float mean[256] = {0}, want[256] = {0};
  size_t known = 0;
  EXPECT(TW2V_OK, tw2v_sentence_mean(m, S("the whale xyzzy sea"), mean, d, &known));
  CHECK(known == 3);
  uint32_t the = 0;
  EXPECT(TW2V_OK, tw2v_word_index(m, S("the"), &the));
  double err = 0;
  for (size_t j = 0; j < d; j++) {
    want[j] = (all[the * d + j] + all[whale * d + j] + all[sea * d + j]) / 3.0f;
    err = fmax(err, fabs(want[j] - mean[j]));
  }
  CHECK(err < 1e-6);
  free(all);
}

static void finetuning(const tw2v_model *m, size_t d) {
  static const char *sentences[] = {
      "the old harpoon lay in the garden under the trees",
      "in the garden he cleaned his harpoon every morning",
      "a harpoon in a garden is a strange sight",
  };
  static tw2v_finetune ft;
  size_t bytes = TW2V_FINETUNE_BUFFER_SIZE(32, d);
  uint64_t *buf = malloc(bytes);
  tw2v_finetune_config cfg = {.slots = 32, .window = 5, .negative = 5, .seed = 7};
  EXPECT(TW2V_ERR_SHAPE, tw2v_finetune_init(&ft, m, &cfg, buf, bytes - 1));
  EXPECT(TW2V_ERR_MISALIGNED, tw2v_finetune_init(&ft, m, &cfg, (char *)buf + 4, bytes));
  EXPECT(TW2V_ERR_HANDLE, tw2v_finetune_add_frequent(&ft, NULL));
  EXPECT(TW2V_OK, tw2v_finetune_init(&ft, m, &cfg, buf, bytes));
  size_t used = 0;
  for (int s = 0; s < 3; s++) EXPECT(TW2V_OK, tw2v_finetune_add_sentence(&ft, S(sentences[s]), &used));
  EXPECT(TW2V_OK, tw2v_finetune_add_frequent(&ft, &used));
  CHECK(used == 32);
  EXPECT(TW2V_ERR_FULL, tw2v_finetune_add_word(&ft, S("ahab"), NULL));
  float before = 0, after = 0;
  EXPECT(TW2V_OK, tw2v_finetune_cosine(&ft, S("harpoon"), S("garden"), &before));
  float first = 0, last = 0;
  for (int epoch = 0; epoch < 25; epoch++) {
    float loss = 0;
    uint32_t pairs = 0;
    for (int s = 0; s < 3; s++) {
      tw2v_finetune_stats st;
      float alpha = 0.025f * (1.0f - epoch / 25.0f);
      EXPECT(TW2V_OK, tw2v_finetune_sentence(&ft, S(sentences[s]), alpha, &st));
      loss += st.loss;
      pairs += st.pairs;
      size_t words = 1;
      for (const char *p = sentences[s]; *p; p++) words += *p == ' ';
      CHECK(st.words + st.skipped == words && st.words >= words - 1 && st.pairs > 0);
    }
    if (epoch == 0) first = loss / pairs;
    last = loss / pairs;
  }
  EXPECT(TW2V_OK, tw2v_finetune_cosine(&ft, S("harpoon"), S("garden"), &after));
  printf("fine-tuning: loss %.3f -> %.3f, cosine(harpoon, garden) %.3f -> %.3f\n", first,
         last, before, after);
  CHECK(last < first);
  CHECK(after > before + 0.05f);
  float v[256];
  EXPECT(TW2V_OK, tw2v_finetune_vector(&ft, S("harpoon"), v, d));
  EXPECT(TW2V_ERR_SHAPE, tw2v_finetune_vector(&ft, S("harpoon"), v, d - 1));
  EXPECT(TW2V_ERR_UNKNOWN_WORD, tw2v_finetune_vector(&ft, S("ahab"), v, d));
  EXPECT(TW2V_ERR_INVALID, tw2v_finetune_sentence(&ft, S(sentences[0]), -1.0f, NULL));
  EXPECT(TW2V_ERR_INVALID, tw2v_finetune_sentence(&ft, S(sentences[0]), NAN, NULL));
  EXPECT(TW2V_ERR_NULL, tw2v_finetune_sentence(&ft, NULL, 3, 0.1f, NULL));
  EXPECT(TW2V_ERR_NULL, tw2v_finetune_init(&ft, m, NULL, buf, bytes));
  free(buf);
}

static void classifier(const tw2v_model *m, size_t d) {
  static const char *text[] = {"the whale rose from the deep sea",
                               "the ship sailed across the wide ocean",
                               "the church stood in the middle of the town",
                               "they ate bread and drank wine at dinner"};
  const uint32_t labels[] = {0, 0, 1, 1};
  size_t np = 0, nw = 0;
  EXPECT(TW2V_OK, tw2v_classifier_sizes(d, 8, 2, &np, &nw));
  CHECK(np == 8 * (d + 2 + 1) + 2 && nw == 2 * 8 + 3 * 2);
  float *params = malloc(sizeof(float) * np), *grads = malloc(sizeof(float) * np);
  float *work = malloc(sizeof(float) * nw);
  float x[4][256];
  for (int i = 0; i < 4; i++) EXPECT(TW2V_OK, tw2v_sentence_mean(m, S(text[i]), x[i], d, NULL));
  tw2v_classifier c;
  EXPECT(TW2V_ERR_SHAPE, tw2v_classifier_init(&c, d, 8, 2, params, np, grads, np - 1, work, nw, 1));
  EXPECT(TW2V_OK, tw2v_classifier_init(&c, d, 8, 2, params, np, grads, np, work, nw, 1));
  float first = 0, last = 0;
  for (int epoch = 0; epoch < 300; epoch++) {
    float total = 0;
    for (int i = 0; i < 4; i++) {
      float j = 0;
      EXPECT(TW2V_OK, tw2v_classifier_train_step(&c, x[i], d, labels[i], 0.5f, &j));
      total += j;
    }
    if (epoch == 0) first = total;
    last = total;
  }
  printf("classifier: loss %.3f -> %.3f\n", first, last);
  CHECK(last < 0.25f * first);
  for (int i = 0; i < 4; i++) {
    uint32_t k = 9;
    float p[2];
    EXPECT(TW2V_OK, tw2v_classifier_forward(&c, x[i], d, &k, p, 2));
    CHECK(k == labels[i] && fabs(p[0] + p[1] - 1.0f) < 1e-5f);
  }
  EXPECT(TW2V_ERR_INDEX, tw2v_classifier_train_step(&c, x[0], d, 2, 0.5f, NULL));
  EXPECT(TW2V_ERR_SHAPE, tw2v_classifier_train_step(&c, x[0], d + 1, 0, 0.5f, NULL));
  EXPECT(TW2V_ERR_INVALID, tw2v_classifier_train_step(&c, x[0], d, 0, INFINITY, NULL));
  uint32_t k;
  float p3[3];
  EXPECT(TW2V_ERR_SHAPE, tw2v_classifier_forward(&c, x[0], d, &k, p3, 3));
  EXPECT(TW2V_ERR_NULL, tw2v_classifier_forward(&c, NULL, d, &k, NULL, 0));
  EXPECT(TW2V_ERR_INVALID, tw2v_classifier_sizes(d, 0, 2, &np, &nw));
  free(params);
  free(grads);
  free(work);
}

/* NULLs, impossible lengths, misaligned pointers, bad text, unopened handles. */
static void refusals(tw2v_model *m, size_t d) {
  uint32_t idx;
  float c, v[257];
  size_t n;
  const char *w;
  tw2v_neighbour out[4];
  tw2v_info info;
  EXPECT(TW2V_ERR_NULL, tw2v_model_info(NULL, &info));
  EXPECT(TW2V_ERR_NULL, tw2v_model_info(m, NULL));
  EXPECT(TW2V_ERR_NULL, tw2v_word_index(NULL, S("whale"), &idx));
  EXPECT(TW2V_ERR_NULL, tw2v_word_index(m, NULL, 5, &idx));
  EXPECT(TW2V_ERR_NULL, tw2v_word_index(m, S("whale"), NULL));
  EXPECT(TW2V_ERR_LENGTH, tw2v_word_index(m, "whale", SIZE_MAX, &idx));
  EXPECT(TW2V_ERR_UTF8, tw2v_word_index(m, "\xff\xfe", 2, &idx));
  EXPECT(TW2V_ERR_UNKNOWN_WORD, tw2v_word_index(m, S("xyzzy"), &idx));
  EXPECT(TW2V_ERR_UNKNOWN_WORD, tw2v_word_index(m, "whale", 0, &idx));
  EXPECT(TW2V_ERR_INDEX, tw2v_word(m, UINT32_MAX, &w, &n));
  EXPECT(TW2V_ERR_NULL, tw2v_word(m, 0, NULL, &n));
  EXPECT(TW2V_ERR_NULL, tw2v_word(m, 0, &w, NULL));
  EXPECT(TW2V_ERR_NO_SUBWORDS, tw2v_word_vector(m, S("xyzzy"), v, d));
  EXPECT(TW2V_ERR_SHAPE, tw2v_word_vector(m, S("whale"), v, d + 1));
  EXPECT(TW2V_ERR_SHAPE, tw2v_word_vector(m, S("whale"), v, 0));
  EXPECT(TW2V_ERR_LENGTH, tw2v_word_vector(m, S("whale"), v, SIZE_MAX / 2));
  EXPECT(TW2V_ERR_MISALIGNED, tw2v_word_vector(m, S("whale"), (float *)((char *)v + 1), d));
  EXPECT(TW2V_ERR_NULL, tw2v_word_vector(m, S("whale"), NULL, d));
  EXPECT(TW2V_ERR_NULL, tw2v_cosine(m, S("whale"), NULL, 3, &c));
  EXPECT(TW2V_ERR_NULL, tw2v_cosine(m, S("whale"), S("sea"), NULL));
  EXPECT(TW2V_ERR_UNKNOWN_WORD, tw2v_cosine(m, S("whale"), S("xyzzy"), &c));
  EXPECT(TW2V_ERR_NULL, tw2v_cosine_vectors(v, NULL, d, &c));
  EXPECT(TW2V_ERR_NULL, tw2v_nearest(m, S("whale"), NULL, 4, &n));
  EXPECT(TW2V_ERR_NULL, tw2v_nearest(m, S("whale"), out, 4, NULL));
  EXPECT(TW2V_ERR_LENGTH, tw2v_nearest(m, S("whale"), out, SIZE_MAX / 4, &n));
  EXPECT(TW2V_ERR_MISALIGNED, tw2v_nearest(m, S("whale"), (tw2v_neighbour *)((char *)out + 2), 2, &n));
  EXPECT(TW2V_OK, tw2v_nearest(m, S("whale"), out, 0, &n));
  CHECK(n == 0);
  char longer[64 * 6 + 16] = "";
  for (int i = 0; i < 65; i++) strcat(longer, "whale ");
  EXPECT(TW2V_ERR_SENTENCE_TOO_LONG, tw2v_sentence_mean(m, S(longer), v, d, NULL));
  EXPECT(TW2V_ERR_NULL, tw2v_sentence_mean(m, NULL, 0, v, d, NULL));

  /* Unopened, misaligned and closed handles. */
  tw2v_model zero;
  memset(&zero, 0, sizeof zero);
  EXPECT(TW2V_ERR_HANDLE, tw2v_word_index(&zero, S("whale"), &idx));
  EXPECT(TW2V_ERR_HANDLE, tw2v_model_close(&zero));
  EXPECT(TW2V_ERR_MISALIGNED, tw2v_word_index((const tw2v_model *)((const char *)m + 4), S("whale"), &idx));
  tw2v_finetune ftz;
  memset(&ftz, 0, sizeof ftz);
  EXPECT(TW2V_ERR_HANDLE, tw2v_finetune_sentence(&ftz, S("the whale"), 0.1f, NULL));
  tw2v_classifier cz;
  memset(&cz, 0, sizeof cz);
  EXPECT(TW2V_ERR_HANDLE, tw2v_classifier_forward(&cz, v, d, &idx, NULL, 0));
  EXPECT(TW2V_ERR_NULL, tw2v_classifier_init(NULL, 1, 1, 1, v, 4, v, 4, v, 5, 0));
}

/* Damaged blobs: each gives the code of the check that fails. */
static void damaged(const uint8_t *good, size_t len) {
  tw2v_model m;
  memset(&m, 0, sizeof m);
  uint8_t *copy = aligned_alloc(16, (len + 16 + 15) / 16 * 16);
  EXPECT(TW2V_ERR_NULL, tw2v_model_open(&m, NULL, len));
  EXPECT(TW2V_ERR_NULL, tw2v_model_open(NULL, good, len));
  EXPECT(TW2V_ERR_LENGTH, tw2v_model_open(&m, good, SIZE_MAX));
  EXPECT(TW2V_ERR_BLOB_TRUNCATED, tw2v_model_open(&m, good, 95));
  EXPECT(TW2V_ERR_BLOB_TRUNCATED, tw2v_model_open(&m, good, 0));
  EXPECT(TW2V_ERR_BLOB_LENGTH, tw2v_model_open(&m, good, len - 1));
  memcpy(copy, good, len);
  copy[0] ^= 1;
  EXPECT(TW2V_ERR_BLOB_MAGIC, tw2v_model_open(&m, copy, len));
  memcpy(copy, good, len);
  copy[4] = 9;
  EXPECT(TW2V_ERR_BLOB_VERSION, tw2v_model_open(&m, copy, len));
  memcpy(copy, good, len);
  copy[200] ^= 0x10; /* a row byte */
  EXPECT(TW2V_ERR_BLOB_CHECKSUM, tw2v_model_open(&m, copy, len));
  memmove(copy + 1, good, len);
  EXPECT(TW2V_ERR_BLOB_MISALIGNED, tw2v_model_open(&m, copy + 1, len));
  /* Nothing above opened the handle. */
  EXPECT(TW2V_ERR_HANDLE, tw2v_model_close(&m));
  free(copy);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.bin\n", argv[0]);
    return 2;
  }
  size_t len = 0;
  uint8_t *bytes = read_file(argv[1], &len);
  if (!bytes) {
    fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  handle_layout();
  tw2v_model m;
  memset(&m, 0, sizeof m);
  EXPECT(TW2V_OK, tw2v_model_open(&m, bytes, len));
  tw2v_info info;
  EXPECT(TW2V_OK, tw2v_model_info(&m, &info));
  printf("model: %zu bytes, V=%u, D=%u, %s rows, counts %u, output vectors %u, subwords %u\n",
         len, info.vocab, info.dim, info.dtype ? "int8" : "f32", info.has_counts,
         info.has_output, info.has_subwords);
  if (failed == 0 && info.dim <= 256) {
    queries(&m, &info);
    finetuning(&m, info.dim);
    classifier(&m, info.dim);
    refusals(&m, info.dim);
    damaged(bytes, len);
    EXPECT(TW2V_OK, tw2v_model_close(&m));
    uint32_t idx;
    EXPECT(TW2V_ERR_HANDLE, tw2v_word_index(&m, S("whale"), &idx));
  } else {
    CHECK(info.dim <= 256);
  }
  free(bytes);
  printf("host: %d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
