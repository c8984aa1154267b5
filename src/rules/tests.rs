//! Rule tests (string inputs, fixed dates).
