/* tiny-word2vec from C on a Cortex-M4F (QEMU mps2-an386), through the C ABI
 * (include/tiny_word2vec.h, libtiny_word2vec_c.a). With the int8 Moby-Dick
 * model in flash, it prints the nearest neighbours of a few words, looks up
 * a word outside the vocabulary, fine-tunes on new sentences and trains a
 * classifier head, checking each result; the exit status (semihosting) is
 * the number of failed checks, so 0 means all passed. No heap, no C
 * library: every buffer is static. Built and run by .ci/ffi.sh. */
#include "startup.h"
#include "tiny_word2vec.h"

extern const uint8_t model_blob[], model_blob_end[];

#define DIM 64
#define SLOTS 48
#define EPOCHS 25
#define CLASSIFIER_EPOCHS 30
#define HIDDEN 16
#define N_PARAMS (HIDDEN * (DIM + 2 + 1) + 2)
#define N_WORK (2 * HIDDEN + 3 * 2)

static tw2v_model model;
static tw2v_finetune ft;
static uint64_t ft_buffer[(TW2V_FINETUNE_BUFFER_SIZE(SLOTS, DIM) + 7) / 8];
static tw2v_classifier head;
static float params[N_PARAMS], grads[N_PARAMS], work[N_WORK];
static float centre[DIM], features[10][DIM];

static int failures;

static size_t len(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

#define S(w) (w), len(w)

static void check(const char *name, int ok) {
  out_str(ok ? "[ok] " : "[FAIL] ");
  out_str(name);
  out_str("\n");
  failures += !ok;
}

/* Prints "call: message" for a status that is not the one expected. */
static int expect(tw2v_status want, tw2v_status got, const char *call) {
  if (got == want) return 1;
  out_str("[FAIL] ");
  out_str(call);
  out_str(": ");
  out_str(tw2v_status_message(got));
  out_str("\n");
  failures++;
  return 0;
}

static void print_word(uint32_t index) {
  const char *w;
  size_t n;
  if (tw2v_word(&model, index, &w, &n) == TW2V_OK)
    out_bytes(w, n);
  else
    out_str("?");
}

static void neighbours(void) {
  static const char *words[] = {"whale", "ship", "sea", "captain", "ahab"};
  out_str("\n-- nearest neighbours (int8 cosine, top-5) --\n");
  int good = 1;
  for (int i = 0; i < 5; i++) {
    tw2v_neighbour out[5];
    size_t found = 0;
    if (!expect(TW2V_OK, tw2v_nearest(&model, S(words[i]), out, 5, &found), "tw2v_nearest"))
      return;
    out_str(words[i]);
    out_str(":");
    for (size_t k = 0; k < found; k++) {
      out_str(" ");
      print_word(out[k].index);
      out_str(" (");
      out_fixed(out[k].cosine, 2);
      out_str(")");
      good &= k == 0 || out[k - 1].cosine >= out[k].cosine;
    }
    out_str("\n");
    good &= found == 5 && out[0].cosine > 0.5f;
  }
  check("5 words: 5 neighbours each, sorted, best cosine > 0.5", good);
  tw2v_neighbour out[5];
  size_t found;
  check("an unknown word gives TW2V_ERR_UNKNOWN_WORD",
        tw2v_nearest(&model, S("xyzzy"), out, 5, &found) == TW2V_ERR_UNKNOWN_WORD);
}

static void out_of_vocabulary(const tw2v_info *info) {
  static const char word[] = "harpooneers'";
  float v[DIM], u[DIM];
  out_str("\n-- a word outside the vocabulary: \"");
  out_str(word);
  out_str("\" --\n");
  tw2v_status st = tw2v_word_vector(&model, S(word), v, DIM);
  if (info->has_subwords) {
    float c = 0;
    expect(TW2V_OK, st, "tw2v_word_vector (subwords)");
    expect(TW2V_OK, tw2v_word_vector(&model, S("harpoon"), u, DIM), "tw2v_word_vector");
    expect(TW2V_OK, tw2v_cosine_vectors(v, u, DIM, &c), "tw2v_cosine_vectors");
    out_str("subword vector; cosine to \"harpoon\": ");
    out_fixed(c, 3);
    out_str("\n");
    check("the subword vector is close to harpoon's", c > 0.3f);
  } else {
    out_str("status ");
    out_int(st);
    out_str(": ");
    out_str(tw2v_status_message(st));
    out_str("\n");
    check("a word-only model answers TW2V_ERR_NO_SUBWORDS", st == TW2V_ERR_NO_SUBWORDS);
  }
}

static void fine_tune(void) {
  static const char *sentences[] = {
      "the old harpoon lay in the garden under the trees",
      "in the garden he cleaned his harpoon every morning",
      "a harpoon in a garden is a strange sight",
      "she planted flowers in the garden beside the harpoon",
      "the harpoon and the garden were all he had left",
  };
  out_str("\n-- on-device fine-tuning (SGNS on a RAM working set) --\n");
  tw2v_finetune_config cfg = {.slots = SLOTS, .window = 5, .negative = 5, .seed = 7};
  if (!expect(TW2V_OK, tw2v_finetune_init(&ft, &model, &cfg, ft_buffer, sizeof ft_buffer),
              "tw2v_finetune_init"))
    return;
  size_t words = 0, used = 0;
  for (int s = 0; s < 5; s++)
    expect(TW2V_OK, tw2v_finetune_add_sentence(&ft, S(sentences[s]), &words),
           "tw2v_finetune_add_sentence");
  expect(TW2V_OK, tw2v_finetune_add_frequent(&ft, &used), "tw2v_finetune_add_frequent");
  out_str("working set: ");
  out_int((long)words);
  out_str(" sentence words + ");
  out_int((long)(used - words));
  out_str(" frequent words, ");
  out_int((long)sizeof ft_buffer);
  out_str(" bytes of buffer\n");
  float before = 0, after = 0, first = 0, last = 0;
  expect(TW2V_OK, tw2v_finetune_cosine(&ft, S("harpoon"), S("garden"), &before),
         "tw2v_finetune_cosine");
  for (int epoch = 0; epoch < EPOCHS; epoch++) {
    float alpha = 0.025f * (1.0f - (float)epoch / EPOCHS), loss = 0;
    uint32_t pairs = 0;
    for (int s = 0; s < 5; s++) {
      tw2v_finetune_stats st = {0};
      if (!expect(TW2V_OK, tw2v_finetune_sentence(&ft, S(sentences[s]), alpha, &st),
                  "tw2v_finetune_sentence"))
        return;
      loss += st.loss;
      pairs += st.pairs;
    }
    last = pairs ? loss / (float)pairs : 0;
    if (epoch == 0) first = last;
    if (epoch == 0 || (epoch + 1) % 5 == 0) {
      out_str("epoch ");
      out_int(epoch + 1);
      out_str(": ");
      out_int(pairs);
      out_str(" pairs, mean SGNS loss ");
      out_fixed(last, 4);
      out_str("\n");
    }
  }
  expect(TW2V_OK, tw2v_finetune_cosine(&ft, S("harpoon"), S("garden"), &after),
         "tw2v_finetune_cosine");
  out_str("cosine(harpoon, garden): ");
  out_fixed(before, 3);
  out_str(" before -> ");
  out_fixed(after, 3);
  out_str(" after fine-tuning\n");
  check("fine-tuning loss fell", last < first);
  check("the pair's similarity rose", after > before + 0.05f);
}

/* Averaged word vectors of a sentence, centred on the mean word vector and
 * scaled to norm sqrt(D). */
static int sentence_features(const char *s, float *x) {
  size_t known = 0;
  if (tw2v_sentence_mean(&model, S(s), x, DIM, &known) != TW2V_OK || known == 0) return 0;
  float norm = 0;
  for (int j = 0; j < DIM; j++) {
    x[j] -= centre[j];
    norm += x[j] * x[j];
  }
  if (norm <= 0) return 0;
  /* sqrt by Newton's method: no libm here. */
  float r = norm;
  for (int i = 0; i < 30; i++) r = 0.5f * (r + norm / r);
  for (int j = 0; j < DIM; j++) x[j] *= 8.0f / r;
  return 1;
}

static void classifier(const tw2v_info *info) {
  static const char *text[10] = {
      "the whale rose from the deep sea",
      "the boat was lowered and the men pulled hard",
      "the ship sailed across the wide ocean",
      "he threw the harpoon at the whale from the boat",
      "the waves broke over the bows of the ship",
      "the church stood in the middle of the town",
      "they ate bread and drank wine at dinner",
      "the horse walked slowly down the street",
      "the children were asleep at home in bed",
      "the shops of the city were full of money",
  };
  static const uint32_t labels[10] = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
  out_str("\n-- classifier head: 64 -> 16 (sigmoid) -> 2 (softmax), sea or land --\n");
  /* The mean of all word vectors, one pass over the model in flash. */
  float v[DIM];
  for (uint32_t i = 0; i < info->vocab; i++) {
    const char *w;
    size_t n;
    if (tw2v_word(&model, i, &w, &n) != TW2V_OK ||
        tw2v_word_vector(&model, w, n, v, DIM) != TW2V_OK) {
      check("mean word vector", 0);
      return;
    }
    for (int j = 0; j < DIM; j++) centre[j] += v[j] / (float)info->vocab;
  }
  for (int i = 0; i < 10; i++)
    if (!sentence_features(text[i], features[i])) {
      check("averaged word vectors", 0);
      return;
    }
  if (!expect(TW2V_OK,
              tw2v_classifier_init(&head, DIM, HIDDEN, 2, params, N_PARAMS, grads, N_PARAMS,
                                   work, N_WORK, 42),
              "tw2v_classifier_init"))
    return;
  float first = 0, last = 0;
  for (int epoch = 0; epoch < CLASSIFIER_EPOCHS; epoch++) {
    float total = 0;
    for (int i = 0; i < 10; i++) {
      float j = 0;
      if (!expect(TW2V_OK,
                  tw2v_classifier_train_step(&head, features[i], DIM, labels[i], 0.1f, &j),
                  "tw2v_classifier_train_step"))
        return;
      total += j;
    }
    last = total / 10;
    if (epoch == 0) first = last;
    if (epoch == 0 || (epoch + 1) % 10 == 0) {
      out_str("epoch ");
      out_int(epoch + 1);
      out_str(": mean cross-entropy ");
      out_fixed(last, 4);
      out_str("\n");
    }
  }
  int correct = 0;
  for (int i = 0; i < 10; i++) {
    uint32_t k = 9;
    correct += tw2v_classifier_forward(&head, features[i], DIM, &k, 0, 0) == TW2V_OK &&
               k == labels[i];
  }
  out_str("training accuracy: ");
  out_int(correct);
  out_str("/10\n");
  check("classifier loss fell to under half", last < 0.5f * first);
  check("training set classified correctly", correct == 10);
}

int main(void) {
  out_str("tiny-word2vec C firmware (C ABI, libtiny_word2vec_c.a) on QEMU mps2-an386\n");
  size_t size = (size_t)(model_blob_end - model_blob);
  tw2v_status st = tw2v_model_open(&model, model_blob, size);
  if (!expect(TW2V_OK, st, "tw2v_model_open")) return 1;
  tw2v_info info;
  expect(TW2V_OK, tw2v_model_info(&model, &info), "tw2v_model_info");
  out_str("model: ");
  out_int((long)size);
  out_str(" bytes, V=");
  out_int(info.vocab);
  out_str(", D=");
  out_int(info.dim);
  out_str(info.dtype ? ", int8 rows" : ", f32 rows");
  out_str(info.has_subwords ? ", subwords\n" : ", no subwords\n");
  if (info.dim != DIM) {
    check("the firmware is built for D=64", 0);
    return 1;
  }
  static tw2v_model truncated;
  check("a truncated blob is refused with TW2V_ERR_BLOB_LENGTH",
        tw2v_model_open(&truncated, model_blob, size - 1) == TW2V_ERR_BLOB_LENGTH);
  neighbours();
  out_of_vocabulary(&info);
  fine_tune();
  classifier(&info);
  out_str(failures ? "\nC firmware: checks FAILED\n" : "\nC firmware: all checks passed\n");
  return failures;
}
