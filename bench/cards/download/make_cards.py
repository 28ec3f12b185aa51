"""Writes the download benchmark's inputs (Debian's /usr/bin/python3 with python3-opencv and numpy):

  make_cards.py images N FOLDER    N distinct 488x680 JPEGs (about 60-100 KB each; shapes, a title and noise, never
                                   card art) as FOLDER/img/normal/card-00000.jpg ...
  make_cards.py lists N BASE WORK  the same N image URLs on BASE three ways: WORK/cards.json (a Scryfall-shaped bulk
                                   file for `tessera cards import`), WORK/curl.cfg (`curl -K`), WORK/aria2.txt (`aria2c -i`)
"""
import json
import os
import sys

WIDTH, HEIGHT = 488, 680  # Scryfall's "normal" size


def name(i):
    return f"card-{i:05d}.jpg"


def images(n, folder):
    import cv2
    import numpy as np

    out = os.path.join(folder, "img", "normal")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(42)
    sizes = []
    for i in range(n):
        # A smooth two-colour gradient, a few shapes, a title and fine noise: compresses like a photo, not like a flat fill.
        top, bottom = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        t = np.linspace(0, 1, HEIGHT)[:, None, None]
        img = ((top * (1 - t) + bottom * t) * np.ones((HEIGHT, WIDTH, 3))).astype(np.float32)
        for _ in range(8):
            centre = tuple(int(v) for v in rng.integers(0, [WIDTH, HEIGHT]))
            colour = tuple(int(v) for v in rng.integers(0, 256, 3))
            cv2.circle(img, centre, int(rng.integers(20, 160)), colour, -1, cv2.LINE_AA)
        cv2.rectangle(img, (24, 24), (WIDTH - 24, HEIGHT - 24), (20, 20, 20), 6)
        cv2.putText(img, f"Bench card {i}", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255, 255, 255), 2, cv2.LINE_AA)
        img += rng.normal(0, 7, img.shape).astype(np.float32)
        ok, jpeg = cv2.imencode(".jpg", np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 88])
        assert ok
        jpeg.tofile(os.path.join(out, name(i)))
        sizes.append(len(jpeg))
    sizes.sort()
    print(f"{n} images, {sum(sizes) / 1e6:.1f} MB: {sizes[0] / 1e3:.0f}-{sizes[-1] / 1e3:.0f} KB, median {sizes[n // 2] / 1e3:.0f} KB")


def lists(n, base, work):
    urls = [f"{base.rstrip('/')}/img/normal/{name(i)}" for i in range(n)]
    cards = [{
        "object": "card", "id": f"00000000-0000-4000-8000-{i:012d}", "oracle_id": f"10000000-0000-4000-8000-{i:012d}",
        "name": f"Bench card {i}", "lang": "en", "layout": "normal", "set": "bch", "collector_number": str(i + 1),
        "image_uris": {"normal": url},
    } for i, url in enumerate(urls)]
    with open(os.path.join(work, "cards.json"), "w") as f:
        json.dump(cards, f)
    with open(os.path.join(work, "curl.cfg"), "w") as f:
        f.writelines(f'url = "{url}"\noutput = "{name(i)}"\n' for i, url in enumerate(urls))
    with open(os.path.join(work, "aria2.txt"), "w") as f:
        f.writelines(f"{url}\n" for url in urls)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "images":
        images(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "lists":
        lists(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
