namespace Tessera.Server.Problems;

internal static class ProblemSetup
{
    /// <summary>Every error body is an RFC 9457 problem with a stable <c>code</c>, written by <see cref="TesseraProblemWriter"/>.</summary>
    public static IServiceCollection AddTesseraProblems(this IServiceCollection services)
    {
        // Registered before AddProblemDetails so it is asked first and the framework's writer never runs.
        services.AddSingleton<IProblemDetailsWriter, TesseraProblemWriter>();
        services.AddProblemDetails();
        services.AddExceptionHandler<TesseraExceptionHandler>();
        return services;
    }
}
