namespace Tessera.Jobs;

/// <summary>An error that may pass on its own (a timeout, a busy service): the job is retried with backoff.</summary>
public sealed class TransientJobException : Exception
{
    public TransientJobException()
        : this("A transient error occurred.")
    {
    }

    public TransientJobException(string message)
        : base(message)
    {
    }

    public TransientJobException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
