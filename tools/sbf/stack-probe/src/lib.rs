//! The smallest program with an oversized frame: the entrypoint fills and sums a
//! 5,000-byte local buffer, which LLVM must keep on the stack.

use std::hint::black_box;

/// # Safety
/// Called by the SBF loader with its input region; the probe never reads it.
#[no_mangle]
pub unsafe extern "C" fn entrypoint(input: *mut u8) -> u64 {
    let mut frame = [0u8; 5_000];
    for (index, byte) in frame.iter_mut().enumerate() {
        *byte = black_box(index as u8);
    }
    black_box(&mut frame);
    black_box(input);
    frame.iter().map(|&byte| u64::from(byte)).sum()
}
