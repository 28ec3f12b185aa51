using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tessera.Server.OpenApi;

/// <summary>
/// Timestamps are written by <see cref="Tessera.Core.Json.UtcTimestampJsonConverter"/>; behind a custom converter the
/// generator keeps the date-time format but drops the type. They are strings (or null where the field is optional).
/// </summary>
internal static class TimestampSchemaTransformer
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying == typeof(DateTimeOffset) && schema.Type is null)
            schema.Type = underlying == type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
        return Task.CompletedTask;
    }
}
