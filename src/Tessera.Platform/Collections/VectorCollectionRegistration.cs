using Tessera.Vectors.Collections;

namespace Tessera.Platform.Collections;

/// <summary>A collection a module declared, and how to get its source from the container.</summary>
public sealed record VectorCollectionRegistration(VectorCollectionDefinition Definition, Func<IServiceProvider, IVectorSource> Source);
