using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Server.OpenApi;

/// <summary>
/// <see cref="JsonNode"/> fields (a job's input and result, a run's error report) hold whatever JSON their producer
/// wrote. The generator leaves them as the empty schema, which also matches null, so a nullable field's
/// <c>oneOf: [null, JsonNode]</c> matched null twice and no validator accepted a null. Any value but null, then, with
/// free-form objects said in so many words.
/// </summary>
internal static class FreeFormJsonSchemaTransformer
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (!typeof(JsonNode).IsAssignableFrom(context.JsonTypeInfo.Type)) return Task.CompletedTask;
        schema.Type = JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean;
        schema.AdditionalProperties = new OpenApiSchema();
        schema.Description = "Any JSON value, as its producer wrote it.";
        return Task.CompletedTask;
    }
}
