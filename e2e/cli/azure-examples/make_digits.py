"""Writes MNIST-like digit images (28x28, 8-bit grayscale PNG, a light digit on black) for the
Azure examples test: the examples score a public folder of such images, which this machine cannot
reach. Usage: make_digits.py OUT_DIR [COUNT]"""
import os
import sys

from PIL import Image, ImageDraw, ImageFont


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    os.makedirs(out, exist_ok=True)
    font = ImageFont.load_default()
    for i in range(count):
        digit = i % 10
        # Draw large on a small canvas, then shrink to 28x28 as MNIST's digits are.
        big = Image.new("L", (112, 112), 0)
        draw = ImageDraw.Draw(big)
        text = Image.new("L", (8, 12), 0)
        ImageDraw.Draw(text).text((1, 0), str(digit), fill=255, font=font)
        glyph = text.resize((56 + (i % 3) * 8, 84), Image.NEAREST)
        big.paste(glyph, (28 - (i % 3) * 4 + (i % 5) - 2, 14))
        draw.point((0, 0), fill=0)
        # Faint strokes of varying brightness keep the classifier's probabilities away from 1.0, so a
        # comparison of scores is a comparison of numbers, not of saturated ones.
        img = big.resize((28, 28), Image.BILINEAR).point(lambda v, f=0.02 * (1 + i % 4): int(v * f))
        img.save(os.path.join(out, f"{i:04d}-digit-{digit}.png"))


if __name__ == "__main__":
    main()
