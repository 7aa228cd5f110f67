//! The text a QR code drawn as the server's SVG holds: the SVG's dark rectangles
//! (`M{x} {y}h{w}v{h}H{x}V{y}`) painted on a bitmap, read by a QR decoder (rqrr).

/// Decodes the one QR code in `svg`; panics unless there is exactly one and it decodes.
pub fn decode_svg_qr(svg: &str) -> String {
    let number = |name: &str| -> usize {
        svg.split(&format!(" {name}=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in the SVG"))
    };
    let (width, height) = (number("width"), number("height"));
    let path = svg
        .split(" d=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a path");
    let mut dark = vec![false; width * height];
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = rect
            .split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().expect("number"))
            .collect();
        let [x, y, w, h, ..] = numbers[..] else {
            panic!("not a rectangle: {rect}")
        };
        for row in y..y + h {
            for col in x..x + w {
                dark[row * width + col] = true;
            }
        }
    }
    let mut image =
        rqrr::PreparedImage::prepare_from_bitmap(width, height, |x, y| dark[y * width + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().expect("the QR code decodes").1
}
