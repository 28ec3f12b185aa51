namespace Tessera.Chem.Tasks;

/// <summary>One failed check: where in the instance (a JSON Pointer, "" for the root), which keyword, and the message.</summary>
internal sealed record SchemaError(string InstancePath, string Keyword, string Message);
