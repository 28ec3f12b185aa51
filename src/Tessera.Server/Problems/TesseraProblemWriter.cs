using System.Text.Json;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.Extensions.Options;

namespace Tessera.Server.Problems;

/// <summary>
/// Writes every problem body. It leaves out per-request members (trace ids, instance paths) on purpose: a resource
/// the caller may not see must answer byte for byte like one that does not exist. Every problem gets a stable
/// <c>code</c> (one per status unless the thrower chose a more specific one).
/// </summary>
internal sealed class TesseraProblemWriter(IOptions<JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var response = context.HttpContext.Response;
        var problem = context.ProblemDetails;
        problem.Status ??= response.StatusCode;
        problem.Title ??= Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Instance = null;
        problem.Type = null;
        problem.Extensions.Remove("traceId");
        if (!problem.Extensions.ContainsKey("code"))
            problem.Extensions["code"] = ProblemCodes.ForStatus(problem.Status.Value);

        response.ContentType = "application/problem+json";
        return new ValueTask(JsonSerializer.SerializeAsync(response.Body, problem, json.Value.SerializerOptions, context.HttpContext.RequestAborted));
    }
}
