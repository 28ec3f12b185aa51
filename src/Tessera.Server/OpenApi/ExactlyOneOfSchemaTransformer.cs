using System.Reflection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Tessera.Core.Json;

namespace Tessera.Server.OpenApi;

/// <summary>
/// Writes <see cref="ExactlyOneOfAttribute"/> as a <c>oneOf</c> with one branch per property, each requiring its
/// property to be present and not null: a body with none or several of them matches no branch or several, and fails.
/// </summary>
internal static class ExactlyOneOfSchemaTransformer
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is not null) return Task.CompletedTask;
        var info = context.JsonTypeInfo;
        foreach (var rule in info.Type.GetCustomAttributes<ExactlyOneOfAttribute>())
        {
            var branches = rule.Properties.Select(property =>
            {
                var json = info.Properties.SingleOrDefault(p => (p.AttributeProvider as MemberInfo)?.Name == property)?.Name
                    ?? throw new InvalidOperationException($"{info.Type.Name} has no property {property} (named by its ExactlyOneOf).");
                return (IOpenApiSchema)new OpenApiSchema
                {
                    Required = new HashSet<string> { json },
                    Properties = new Dictionary<string, IOpenApiSchema> { [json] = new OpenApiSchema { Not = new OpenApiSchema { Type = JsonSchemaType.Null } } },
                };
            }).ToList();
            if (schema.OneOf is null) schema.OneOf = branches;
            else schema.AllOf = [.. schema.AllOf ?? [], new OpenApiSchema { OneOf = branches }];
        }
        return Task.CompletedTask;
    }
}
