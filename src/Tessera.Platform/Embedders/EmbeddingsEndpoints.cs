using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.AI;
using Tessera.Core.Errors;

namespace Tessera.Platform.Embedders;

/// <summary>
/// Embeddings over HTTP for any authenticated caller, rate-limited like every route: <c>/api/v1/embeddings</c> and
/// <c>/api/v1/models</c> in the OpenAI shapes (so OpenAI clients work against <c>/v1</c>, mapped as aliases), and
/// <c>/api/v1/embeddings/images</c> for multipart image uploads.
/// </summary>
public static class EmbeddingsEndpoints
{
    public static RouteGroupBuilder MapEmbeddings(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("").WithTags("embeddings").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        group.MapPost("/embeddings", EmbedAsync).WithName("CreateEmbeddings")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("OpenAI-compatible text embeddings: model, input (string or list of strings), encoding_format float|base64.");
        group.MapPost("/embeddings/images", EmbedImagesAsync).DisableAntiforgery().WithName("CreateImageEmbeddings")
            .AddOpenApiOperationTransformer(ImageEmbeddingFormSchema.DescribeAsync)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .WithSummary("Image embeddings (multipart: model, one or more file fields, optional encoding_format), in the embeddings response shape.");
        group.MapGet("/models", ListModels).WithName("ListModels").WithSummary("The installed embedders, OpenAI's model list shape plus modality and origin.");
        return api;
    }

    /// <summary><c>/v1/embeddings</c> and <c>/v1/models</c>: where OpenAI clients look when given the server's URL + /v1.</summary>
    public static IEndpointRouteBuilder MapOpenAiCompatibleEmbeddings(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1").RequireAuthorization().ExcludeFromDescription();
        v1.MapPost("/embeddings", EmbedAsync);
        v1.MapGet("/models", ListModels);
        return app;
    }

    private static async Task<Ok<EmbeddingsResponse>> EmbedAsync(EmbeddingsRequest body, EmbeddingsService embeddings, CancellationToken cancellationToken) =>
        TypedResults.Ok(await embeddings.EmbedTextsAsync(body, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<EmbeddingsResponse>> EmbedImagesAsync(HttpRequest request, EmbeddingsService embeddings, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw TesseraException.Validation("Send multipart/form-data with a 'model' field and the images in 'file' fields.");
        var form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        var images = new List<DataContent>();
        foreach (var file in form.Files.GetFiles("file"))
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            images.Add(new DataContent(buffer.ToArray(), string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType));
        }
        return TypedResults.Ok(await embeddings.EmbedImagesAsync(form["model"], images, form["encoding_format"].FirstOrDefault(), cancellationToken).ConfigureAwait(false));
    }

    private static Ok<ModelList> ListModels(EmbeddingsService embeddings, TimeProvider time) =>
        TypedResults.Ok(embeddings.Models(time.GetUtcNow().ToUnixTimeSeconds()));
}
