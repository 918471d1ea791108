//! Unit tests of `plot`.

use super::*;

#[test]
fn short_counts() {
    assert_eq!(short_count(950.0), "950");
    assert_eq!(short_count(12_000.0), "12k");
    assert_eq!(short_count(1_500_000.0), "1.5M");
    assert_eq!(short_count(0.0), "0");
}

#[test]
fn formats_by_extension() {
    assert_eq!(
        ImageFormat::from_path(Path::new("a/b.PNG")).unwrap(),
        ImageFormat::Png
    );
    assert_eq!(
        ImageFormat::from_path(Path::new("b.svg")).unwrap(),
        ImageFormat::Svg
    );
    for bad in ["b.jpg", "b", "b.png.tmp"] {
        let e = ImageFormat::from_path(Path::new(bad)).unwrap_err();
        assert!(e.to_string().contains(".png or .svg"), "{bad}: {e}");
    }
}
