namespace Tessera.Core.Errors;

/// <summary>
/// An error the caller can act on. The server maps it to an RFC 9457 problem with <see cref="Code"/> and <see cref="Status"/>;
/// the CLI prints <see cref="Exception.Message"/> without a stack trace.
/// </summary>
public class TesseraException : Exception
{
    public TesseraException(string code, int status, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Status = status;
    }

    public TesseraException()
        : this(ErrorCodes.InternalError, 500, "Internal error.")
    {
    }

    public TesseraException(string message)
        : this(ErrorCodes.InternalError, 500, message)
    {
    }

    public TesseraException(string message, Exception innerException)
        : this(ErrorCodes.InternalError, 500, message, innerException)
    {
    }

    public string Code { get; }
    public int Status { get; }

    /// <summary>When to try again (sent as <c>Retry-After</c>), for refusals that pass with time (429, 503).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Extra members for the problem body (e.g. which limit was exceeded).</summary>
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    public static TesseraException Validation(string message) => new(ErrorCodes.ValidationFailed, 400, message);
    public static TesseraException NotFound(string what = "resource") => new(ErrorCodes.ResourceNotFound, 404, $"The {what} was not found.");
    public static TesseraException Conflict(string code, string message) => new(code, 409, message);
}
