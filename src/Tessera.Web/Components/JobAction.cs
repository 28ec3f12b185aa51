using Tessera.Core.Errors;

namespace Tessera.Web.Components;

/// <summary>The value of a job's action button: "cancel:ID" or "retry:ID".</summary>
public static class JobAction
{
    public const string Cancel = "cancel";
    public const string Retry = "retry";

    public static (string Verb, Guid JobId) Parse(string? value)
    {
        var parts = (value ?? "").Split(':', 2);
        if (parts.Length == 2 && parts[0] is Cancel or Retry && Guid.TryParse(parts[1], out var id)) return (parts[0], id);
        throw TesseraException.Validation($"Unknown job action '{value}': expected cancel:ID or retry:ID.");
    }
}
