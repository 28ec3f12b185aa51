namespace Tessera.Server.OpenApi;

/// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, shaped so that a client generator produces a usable client.</summary>
internal static class OpenApiSetup
{
    public static IServiceCollection AddTesseraOpenApi(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.CreateSchemaReferenceId = SchemaNames.ReferenceId;
            options.AddDocumentTransformer<BearerSecuritySchemeTransformer>();
            options.AddOperationTransformer<BearerSecuritySchemeTransformer>();
            options.AddSchemaTransformer(FreeFormJsonSchemaTransformer.TransformAsync);
            options.AddSchemaTransformer(TimestampSchemaTransformer.TransformAsync);
            options.AddSchemaTransformer(ExactlyOneOfSchemaTransformer.TransformAsync);
        });
}
