namespace Tessera.Jobs;

/// <summary>
/// One worker's shape: how many jobs it runs at once, which kinds (null: every kind it has a handler for), and, for a
/// CLI verb waiting on its own jobs, which jobs alone it may claim (null: any).
/// </summary>
internal sealed record JobWorkerSettings(int Concurrency, IReadOnlyCollection<string>? Kinds = null, IReadOnlyCollection<Guid>? Jobs = null);
