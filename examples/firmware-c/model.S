/* The model blob in flash, 16-byte aligned so that its rows are read in
 * place. MODEL_PATH is set by the build (.ci/ffi.sh: the firmware's
 * examples/firmware/model.bin). */
    .section .rodata.model, "a"
    .balign 16
    .global model_blob
model_blob:
    .incbin MODEL_PATH
    .global model_blob_end
model_blob_end:
