using Tessera.Core.Concurrency;
using Tessera.Core.Errors;
using Tessera.Core.Identity;

namespace Tessera.Jobs.Http;

/// <summary>Caps the event streams one token holds open (<c>jobs:streams_per_token</c>): each open stream polls the database.</summary>
internal sealed class JobStreamSlots(JobsOptions options)
{
    public const string TooManyStreamsCode = "TOO_MANY_STREAMS";

    private readonly KeyedSlots<Guid> _slots = new();

    /// <summary>A slot for the caller's token (its user when it has none); a 429 problem beyond the cap.</summary>
    public IDisposable Enter(Principal caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return _slots.TryEnter(caller.TokenId ?? caller.UserId, options.StreamsPerToken)
            ?? throw new TesseraException(TooManyStreamsCode, 429,
                $"This token already holds {options.StreamsPerToken} open event streams (setting jobs:streams_per_token); close one first.")
            {
                RetryAfter = TimeSpan.FromSeconds(5),
            };
    }
}
