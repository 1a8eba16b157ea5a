// Built-in models embedded in the binary by splineseg-codegen --builtin (builtin_models.c is
// generated). Index i in 0..<splineseg_builtin_count(); the returned bytes live as long as the
// process and the pack starts 64-byte aligned.
#pragma once

int splineseg_builtin_count(void);
const char *splineseg_builtin_name(int i);
/// The model spec JSON.
const unsigned char *splineseg_builtin_spec(int i, long *size);
/// The .sspack (header + packed weights).
const unsigned char *splineseg_builtin_pack(int i, long *size);
