"""The same ResNet18 ONNX graphs Tessera runs (ML.NET's ResNetPreprocess + ResNet18), run by OpenCV's dnn module
instead of ONNX Runtime, on the same image files: decode, resize the shorter side to 224, centre crop, embed,
L2-normalise. One thread. Prints images per second.
    /usr/bin/python3 cv_dnn_embed.py IMAGES_TXT MODELS_DIR
"""
import sys
import time

import cv2
import numpy as np

cv2.setNumThreads(1)
paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
models = sys.argv[2]
preprocess = cv2.dnn.readNetFromONNX(f"{models}/resnet18/ResNetPreprocess.onnx")
network = cv2.dnn.readNetFromONNX(f"{models}/resnet18/ResNet18.onnx")


def embed(path):
    image = cv2.cvtColor(cv2.imread(path, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    h, w = image.shape[:2]
    scale = 224 / min(h, w)
    image = cv2.resize(image, (max(224, round(w * scale)), max(224, round(h * scale))), interpolation=cv2.INTER_LINEAR)
    h, w = image.shape[:2]
    top, left = (h - 224) // 2, (w - 224) // 2
    crop = image[top:top + 224, left:left + 224].astype(np.float32)
    preprocess.setInput(crop.transpose(2, 0, 1)[np.newaxis].copy())
    network.setInput(preprocess.forward())
    vector = network.forward().reshape(-1)
    return vector / np.linalg.norm(vector)


for path in paths[:5]:
    embed(path)  # warm-up, not counted
start = time.perf_counter()
for path in paths:
    embed(path)
seconds = time.perf_counter() - start
print(f"opencv-dnn: {len(paths)} images in {seconds:.2f} s = {len(paths) / seconds:.1f} images/s on 1 core")
