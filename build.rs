fn main() {
    // The page in web/ is embedded with include_dir!; rebuild when it changes.
    println!("cargo:rerun-if-changed=web");
    println!("cargo:rerun-if-changed=migrations");
}
