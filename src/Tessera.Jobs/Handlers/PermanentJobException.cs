namespace Tessera.Jobs;

/// <summary>An error retrying cannot fix (bad input); the job fails at once with <see cref="Code"/> recorded.</summary>
public sealed class PermanentJobException : Exception
{
    public PermanentJobException()
        : this("JOB_FAILED", "The job failed.")
    {
    }

    public PermanentJobException(string message)
        : this("JOB_FAILED", message)
    {
    }

    public PermanentJobException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "JOB_FAILED";
    }

    public PermanentJobException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public string Code { get; }
}
