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
        // A body or parameter that does not bind reaches the handler as an exception, so its problem can name the field.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
