"""Bit-accurate digital data path of a wide-and-slow link.

GF(2^m) arithmetic and Reed-Solomon codes with erasures (:mod:`gf`, :mod:`rs`), host
protocols (:mod:`protocols`), the gearbox that spreads host FEC symbols over hundreds of
slow optical channels (:mod:`gearbox`), per-channel framing and deskew (:mod:`framing`),
spare-channel failover (:mod:`failover`), error and fault models (:mod:`faults`), the
emulator (:mod:`emulator`, payload and error-pattern modes) and the analytic post-FEC
model (:mod:`analytic`).
"""
