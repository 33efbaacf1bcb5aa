fn main() {
    // SAFETY: zlibVersion returns a static NUL-terminated string.
    let version = unsafe { std::ffi::CStr::from_ptr(libz_sys::zlibVersion()) };
    println!("{} with zlib {}", demo_gen::GREETING, version.to_string_lossy());
}
