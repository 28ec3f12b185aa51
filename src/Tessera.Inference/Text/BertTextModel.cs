using Tessera.Inference.Embeddings;
using Tessera.Inference.Onnx;

namespace Tessera.Inference.Text;

/// <summary>
/// A BERT-family sentence embedder shipped as ONNX: its files, its pooling (from the model card, checked against
/// the package's own output) and its window (<see cref="MaxTokens"/> includes [CLS] and [SEP]).
/// </summary>
public sealed record BertTextModel(string Name, ModelFile Onnx, ModelFile Vocabulary, EmbeddingPooling Pooling, int MaxTokens);
