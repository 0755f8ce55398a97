using System.Text.Json.Nodes;

namespace Approvals.Licensing.Tests.Catalogue;

/// <summary>A small valid catalogue and named ways to break it, one rule each.</summary>
internal static class CatalogueFiles
{
    private const string TypeJson = """
        {
          "kind": "licence-type",
          "id": "test-type",
          "name": "测试许可",
          "version": "1.0",
          "code": "TT",
          "jurisdiction": "CN",
          "legalLimitWorkingDays": 10,
          "promisedLimitWorkingDays": 8,
          "followUpWorkingDays": 3,
          "serviceCentre": { "departmentId": "service-centre", "mode": "manual", "limitWorkingDays": 2 },
          "departments": [
            { "departmentId": "lead-dept", "role": "lead", "limitWorkingDays": 6 },
            { "departmentId": "co-dept", "role": "co-handling", "limitWorkingDays": 4 }
          ],
          "formFields": [
            { "id": "scope", "name": "经营范围", "type": "string", "required": true, "minLength": 2, "maxLength": 100 },
            { "id": "floorArea", "name": "面积（平方米）", "type": "number", "required": true, "minimum": 1, "maximum": 10000 },
            { "id": "staff", "name": "从业人数", "type": "integer", "required": false, "minimum": 1 },
            { "id": "chain", "name": "是否连锁", "type": "boolean", "required": false },
            { "id": "category", "name": "类别", "type": "enum", "required": true, "values": [ "餐饮", "零售" ] }
          ],
          "materials": [
            { "id": "form", "name": "申请表", "required": true, "allowedContentTypes": [ "application/pdf" ], "maxBytes": 1048576 },
            { "id": "photo", "name": "现场照片", "required": false, "allowedContentTypes": [ "image/jpeg", "image/png" ], "maxBytes": 1048576 }
          ]
        }
        """;

    public static (string Source, string Json) Directory(bool duplicate = false)
    {
        var departments = new JsonArray(
            Dept("service-centre", "政务服务中心"),
            Dept("lead-dept", "牵头局"),
            Dept("co-dept", "协办局"));
        if (duplicate)
        {
            departments.Add(Dept("lead-dept", "又一个牵头局"));
        }

        var json = new JsonObject { ["kind"] = "department-directory", ["version"] = "1", ["departments"] = departments };
        return ("departments.json", json.ToJsonString());
    }

    public static (string Source, string Json) Type(params string[] mutations)
    {
        var t = JsonNode.Parse(TypeJson)!.AsObject();
        var steps = t["departments"]!.AsArray();
        var materials = t["materials"]!.AsArray();
        var fields = t["formFields"]!.AsArray();
        foreach (var m in mutations)
        {
            switch (m)
            {
                case "promised": t["promisedLimitWorkingDays"] = 12; break;
                case "critical-path": steps[0]!["limitWorkingDays"] = 7; break;
                case "unknown-department": steps[1]!["departmentId"] = "ghost-bureau"; break;
                case "unknown-service-centre": t["serviceCentre"]!["departmentId"] = "nowhere"; break;
                case "centre-also-reviews": t["serviceCentre"]!["departmentId"] = "co-dept"; break;
                case "duplicate-material": materials[1]!["id"] = "form"; break;
                case "duplicate-step": steps[1]!["departmentId"] = "lead-dept"; break;
                case "bad-code": t["code"] = "T1"; break;
                case "bad-content-type": materials[0]!["allowedContentTypes"] = new JsonArray("application/msword"); break;
                case "bad-max-bytes": materials[0]!["maxBytes"] = 0; break;
                case "no-lead": steps[0]!["role"] = "co-handling"; break;
                case "acceptance-too-long": t["serviceCentre"]!["limitWorkingDays"] = 6; t["promisedLimitWorkingDays"] = 10; steps[0]!["limitWorkingDays"] = 4; break;
                case "unknown-jurisdiction": t["jurisdiction"] = "XX"; break;
                case "bad-version": t["version"] = "v2"; break;
                case "no-form-fields": t.Remove("formFields"); break;
                case "duplicate-field": fields[1]!["id"] = "scope"; break;
                case "bad-field-id": fields[0]!["id"] = "Business Scope"; break;
                case "bad-field-type": fields[0]!["type"] = "date"; break;
                case "unbounded-string": fields[0]!.AsObject().Remove("maxLength"); break;
                case "length-on-number": fields[1]!["maxLength"] = 5; break;
                case "inverted-range": fields[1]!["minimum"] = 20000; break;
                case "empty-enum": fields[4]!["values"] = new JsonArray(); break;
                case "values-on-string": fields[0]!["values"] = new JsonArray("a"); break;
                default: throw new ArgumentException(m, nameof(mutations));
            }
        }

        return ("test-type.json", t.ToJsonString());
    }

    private static JsonObject Dept(string id, string name) => new() { ["id"] = id, ["name"] = name };
}
