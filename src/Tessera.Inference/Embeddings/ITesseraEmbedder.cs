using Microsoft.Extensions.AI;

namespace Tessera.Inference.Embeddings;

/// <summary>
/// A text-to-vector embedder (ESM-2, a module's classical featurizer, BERT-family text models) in the
/// .NET standard contract, plus the <see cref="EmbedderDescriptor"/> to store beside each vector.
/// Every generated <see cref="Embedding{T}"/> has <c>ModelId</c> = name and the model hash under
/// <see cref="EmbedderDescriptor.ModelHashProperty"/>.
/// </summary>
public interface ITesseraEmbedder : IEmbeddingGenerator<string, Embedding<float>>, IEmbedderModel;
