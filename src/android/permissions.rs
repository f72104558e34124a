//! AOSP protection levels of `android.permission.*`, from `data/permissions.tsv`.
