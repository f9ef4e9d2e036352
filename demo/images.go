package demo

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The demo agency's pictures are drawn here rather than shipped as files, so
// the binary carries no stock photos and every staff member gets a distinct,
// real PNG that thumbnails and the roster can use.

// palette gives every demo person a recognisable background colour.
var palette = []color.RGBA{
	{0x1f, 0x6f, 0xb2, 0xff}, {0x2e, 0x8b, 0x57, 0xff}, {0xb2, 0x4a, 0x1f, 0xff},
	{0x6a, 0x3d, 0x9a, 0xff}, {0x00, 0x7c, 0x80, 0xff}, {0x9a, 0x2d, 0x4f, 0xff},
	{0x4b, 0x5d, 0x16, 0xff}, {0x33, 0x4e, 0x68, 0xff},
}

// avatarPNG draws a square portrait placeholder with the person's initials.
func avatarPNG(name string, n int) []byte {
	return labelPNG(initials(name), palette[n%len(palette)], 256, 256, 8)
}

// badgePNG draws a photo-ID card: colour band, initials and the full name.
func badgePNG(name string, n int) []byte {
	return labelPNG("ID "+initials(name)+" "+strings.ToUpper(name), palette[n%len(palette)], 480, 300, 2)
}

// logoPNG draws the demo agency's logo, printed on its invoices.
func logoPNG() []byte {
	return labelPNG("CREWPORTAL DEMO", palette[0], 360, 72, 3)
}

// siteMapPNG draws a simple venue plan with labelled areas.
func siteMapPNG(venue string) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 200, 120))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{0xf4, 0xf1, 0xe8, 0xff}), image.Point{}, draw.Src)
	areas := []struct {
		r     image.Rectangle
		label string
		c     color.RGBA
	}{
		{image.Rect(8, 8, 110, 70), "MAIN HALL", color.RGBA{0xc9, 0xdd, 0xf2, 0xff}},
		{image.Rect(118, 8, 192, 50), "BAR", color.RGBA{0xf2, 0xd7, 0xc9, 0xff}},
		{image.Rect(118, 58, 192, 112), "STAFF", color.RGBA{0xd5, 0xf2, 0xc9, 0xff}},
		{image.Rect(8, 78, 110, 112), "ENTRY", color.RGBA{0xf2, 0xef, 0xc9, 0xff}},
	}
	for _, a := range areas {
		draw.Draw(img, a.r, image.NewUniform(a.c), image.Point{}, draw.Src)
		drawText(img, a.label, a.r.Min.X+4, a.r.Min.Y+14, color.RGBA{0x22, 0x22, 0x22, 0xff})
	}
	drawText(img, strings.ToUpper(venue), 4, 119, color.RGBA{0x55, 0x55, 0x55, 0xff})
	return encodePNG(scale(img, 4))
}

// labelPNG draws text centred on a coloured background at 1/scaleBy size and
// scales it up, so the 7×13 bitmap font stays crisp at any size.
func labelPNG(text string, bg color.RGBA, w, h, scaleBy int) []byte {
	small := image.NewRGBA(image.Rect(0, 0, w/scaleBy, h/scaleBy))
	draw.Draw(small, small.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	face := basicfont.Face7x13
	width := font.MeasureString(face, text).Round()
	x := (small.Bounds().Dx() - width) / 2
	y := (small.Bounds().Dy() + face.Ascent - face.Descent) / 2
	drawText(small, text, x, y, color.White)
	return encodePNG(scale(small, scaleBy))
}

func drawText(img draw.Image, text string, x, y int, c color.Color) {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(c), Face: basicfont.Face7x13, Dot: fixed.P(x, y)}
	d.DrawString(text)
}

func scale(src image.Image, by int) *image.RGBA {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()*by, b.Dy()*by))
	draw.NearestNeighbor.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

func encodePNG(img image.Image) []byte {
	var buf bytes.Buffer
	// Encoding an in-memory RGBA image into a buffer cannot fail.
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func initials(name string) string {
	var out []rune
	for _, part := range strings.Fields(name) {
		out = append(out, []rune(strings.ToUpper(part))[0])
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}
