include!(concat!(env!("OUT_DIR"), "/greeting.rs"));
