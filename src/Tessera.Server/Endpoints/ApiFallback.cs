using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Tessera.Core.Errors;
using Tessera.Server.Problems;

namespace Tessera.Server.Endpoints;

/// <summary>
/// Answers what no API route took. It needs a signed-in caller, so an anonymous one gets 401 whatever the path and
/// learns nothing about which routes exist. A signed-in caller learns why the request matched no route: a route
/// parameter of the wrong form (400 naming it), a route that takes other methods (405 with <c>Allow</c>), a body
/// type the route does not take (415), or no such route (404).
/// </summary>
internal static class ApiFallback
{
    public static void MapApiFallback(this RouteGroupBuilder api) =>
        api.MapFallback(Answer).RequireAuthorization().ExcludeFromDescription();

    private static IResult Answer(HttpContext context, EndpointDataSource endpoints, IInlineConstraintResolver constraints)
    {
        var request = context.Request;
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => !e.RoutePattern.Parameters.Any(p => p.IsCatchAll))
            .Select(e => (Endpoint: e, Values: MatchIgnoringConstraints(e.RoutePattern, request.Path)))
            .Where(r => r.Values is not null)
            .ToList();
        if (routes.Count == 0) return Problem(404, ErrorCodes.ResourceNotFound, "No such API route.");

        var methods = routes.Select(r => r.Endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).ToList();
        var sameMethod = routes.Where((r, i) => methods[i].Count == 0 || methods[i].Contains(request.Method, StringComparer.OrdinalIgnoreCase)).ToList();
        if (sameMethod.Count == 0)
        {
            var allowed = methods.SelectMany(m => m).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
            context.Response.Headers.Allow = string.Join(", ", allowed);
            return Problem(405, ProblemCodes.ForStatus(405), $"{request.Method} is not allowed here; this route takes {string.Join(", ", allowed)}.");
        }

        foreach (var (endpoint, values) in sameMethod)
        {
            foreach (var (name, policies) in endpoint.RoutePattern.ParameterPolicies)
            {
                foreach (var policy in policies)
                {
                    if (policy.Content is null || constraints.ResolveConstraint(policy.Content) is not { } constraint) continue;
                    if (!constraint.Match(context, null, name, values!, RouteDirection.IncomingRequest))
                        return Problem(400, ErrorCodes.ValidationFailed, $"The route parameter '{name}' must be a {policy.Content} (got '{values![name]}').");
                }
            }
        }

        var accepted = sameMethod.SelectMany(r => r.Endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (accepted.Count > 0)
            return Problem(415, ProblemCodes.ForStatus(415), $"This route takes a body of type {string.Join(" or ", accepted)} (got '{request.ContentType ?? "none"}'); set the Content-Type header.");
        return Problem(404, ErrorCodes.ResourceNotFound, "No such API route.");
    }

    private static RouteValueDictionary? MatchIgnoringConstraints(RoutePattern pattern, PathString path)
    {
        if (pattern.RawText is null) return null;
        var values = new RouteValueDictionary();
        return new TemplateMatcher(TemplateParser.Parse(pattern.RawText), new RouteValueDictionary()).TryMatch(path, values) ? values : null;
    }

    private static IResult Problem(int status, string code, string detail) =>
        Results.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });
}
