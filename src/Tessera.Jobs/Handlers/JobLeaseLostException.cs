namespace Tessera.Jobs;

/// <summary>Thrown by <see cref="JobContext"/> writes when another worker has taken the job over (this worker's lease expired).</summary>
public sealed class JobLeaseLostException : Exception
{
    public JobLeaseLostException()
        : this("This worker no longer holds the job's lease.")
    {
    }

    public JobLeaseLostException(string message)
        : base(message)
    {
    }

    public JobLeaseLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
