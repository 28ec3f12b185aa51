using Microsoft.Extensions.AI;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// An image-to-vector embedder: each input is an encoded image file (<see cref="DataContent"/> with its bytes; the
/// media type is informative, the decoder reads the format from the bytes). Vectors are stamped like text ones.
/// </summary>
public interface ITesseraImageEmbedder : IEmbeddingGenerator<DataContent, Embedding<float>>, IEmbedderModel;
