using Tessera.Core.Errors;

namespace Tessera.Jobs;

/// <summary>The handlers registered in this process, by kind.</summary>
public sealed class JobHandlerRegistry
{
    private readonly Dictionary<string, IJobHandler> _byKind = new(StringComparer.Ordinal);

    public JobHandlerRegistry(IEnumerable<IJobHandler> handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        foreach (var handler in handlers)
        {
            if (!_byKind.TryAdd(handler.Kind, handler))
                throw new InvalidOperationException($"Two job handlers are registered for kind '{handler.Kind}'.");
        }
    }

    public IReadOnlyCollection<string> Kinds => _byKind.Keys;

    public IJobHandler? Find(string kind) => _byKind.GetValueOrDefault(kind);

    /// <summary>The handler for <paramref name="kind"/>, or a 400 problem naming the kinds that exist.</summary>
    public IJobHandler Require(string kind) => Find(kind) ?? throw new TesseraException(
        JobErrorCodes.UnknownKind, 400, $"Unknown job kind '{kind}'. Known kinds: {string.Join(", ", _byKind.Keys.Order(StringComparer.Ordinal))}.");
}
