using Tessera.Core.Errors;

namespace Tessera.Guides.Jobs;

/// <summary>
/// A guide job's status and the one place its transitions are checked: CREATED → UPLOADED → QUEUED → PROCESSING →
/// TRANSCRIBED → DRAFTED → DONE, any open status → CANCELLED, QUEUED and later → FAILED. DONE, FAILED and CANCELLED are
/// terminal: nothing leaves them (a retry of a FAILED job is a new job).
/// </summary>
internal static class GuideJobStatus
{
    public const string Created = "CREATED";
    public const string Uploaded = "UPLOADED";
    public const string Queued = "QUEUED";
    public const string Processing = "PROCESSING";
    public const string Transcribed = "TRANSCRIBED";
    public const string Drafted = "DRAFTED";
    public const string Done = "DONE";
    public const string Failed = "FAILED";
    public const string Cancelled = "CANCELLED";

    public static IReadOnlyList<string> All { get; } = [Created, Uploaded, Queued, Processing, Transcribed, Drafted, Done, Failed, Cancelled];

    private static readonly Dictionary<string, string[]> Next = new(StringComparer.Ordinal)
    {
        [Created] = [Uploaded, Cancelled],
        [Uploaded] = [Queued, Cancelled],
        [Queued] = [Processing, Failed, Cancelled],
        [Processing] = [Transcribed, Failed, Cancelled],
        [Transcribed] = [Drafted, Failed, Cancelled],
        [Drafted] = [Done, Failed, Cancelled],
        [Done] = [],
        [Failed] = [],
        [Cancelled] = [],
    };

    public static bool IsKnown(string status) => Next.ContainsKey(status);

    public static bool IsTerminal(string status) => Next.TryGetValue(status, out var next) && next.Length == 0;

    public static bool Allows(string from, string to) => Next.TryGetValue(from, out var next) && next.Contains(to, StringComparer.Ordinal);

    /// <summary>How far along the happy path a status lies (terminal side states: -1); a callback may not move a job back.</summary>
    public static int Rank(string status) => Array.IndexOf<string>([Created, Uploaded, Queued, Processing, Transcribed, Drafted, Done], status);

    /// <summary>A 409 <c>INVALID_TRANSITION</c> naming both statuses unless <paramref name="from"/> → <paramref name="to"/> is allowed.</summary>
    public static void Ensure(string from, string to)
    {
        if (Allows(from, to)) return;
        var reason = IsTerminal(from) ? $"{from} is terminal: nothing leaves it" : $"{from} may only go to {string.Join(", ", Next.GetValueOrDefault(from) ?? [])}";
        throw new TesseraException(GuidesErrorCodes.InvalidTransition, 409, $"The job cannot go from {from} to {to}: {reason}.")
        {
            Extensions = { ["from"] = from, ["to"] = to },
        };
    }
}
