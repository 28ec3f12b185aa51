using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Tessera.Core.Errors;

namespace Tessera.Server.Problems;

/// <summary>Turns exceptions into problem details: Tessera's own errors keep their code and status, anything else is a logged 500.</summary>
internal sealed partial class TesseraExceptionHandler(IProblemDetailsService problems, ILogger<TesseraExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, code, detail, extensions) = exception switch
        {
            TesseraException e => (e.Status, e.Code, e.Message, e.Extensions),
            BadHttpRequestException { InnerException: JsonException json } e => (e.StatusCode, ErrorCodes.ValidationFailed, InvalidBody.Describe(json), InvalidBody.Extensions(json)),
            BadHttpRequestException e => (e.StatusCode, ProblemCodes.ForStatus(e.StatusCode), e.Message, null),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "CLIENT_CLOSED_REQUEST", "The client closed the request.", null),
            _ => (500, ErrorCodes.InternalError, "An unexpected error occurred; it has been logged.", (IDictionary<string, object?>?)null),
        };
        if (status >= 500) LogFailed(httpContext.Request.Method, httpContext.Request.Path, exception);

        httpContext.Response.StatusCode = status;
        if (exception is TesseraException { RetryAfter: { } retryAfter })
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private partial void LogFailed(string method, PathString path, Exception exception);
}
