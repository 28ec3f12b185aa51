using Tessera.Core.Errors;

namespace Tessera.Omics.Parsing;

internal static class OmicsLimits
{
    public const string LimitExceededCode = OmicsErrorCodes.LimitExceeded;

    /// <summary>A 422 problem that names the limit exceeded and its value.</summary>
    public static TesseraException Exceeded(string setting, long limit, string what)
    {
        var error = new TesseraException(LimitExceededCode, 422, $"{what}: the limit is {limit} (setting {setting}).");
        error.Extensions["limit"] = setting;
        error.Extensions["limit_value"] = limit;
        return error;
    }
}
