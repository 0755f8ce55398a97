using Approvals.Licensing.Catalogue;

namespace Approvals.Pipeline.Tests.Pipeline;

/// <summary>
/// Licence types made for the tests: an auto-accepting type with three departments, a 200 MiB optional material
/// (the shipped types cap uploads at 100 MB) and a form field of every type, and a manually accepted type with one
/// department. Both require <c>scope</c> and <c>address</c> in the form, as <see cref="Driver"/> sends them.
/// </summary>
internal static class TestCatalogue
{
    public const string AutoType = "test-permit";
    public const string ManualType = "test-manual";
    public static readonly string[] Departments = ["market-supervision", "health", "fire-rescue"];

    public static LicenceCatalogue Load() => LicenceCatalogue.Load(
    [
        ("departments.json", """
            { "kind": "department-directory", "version": "2025.1", "departments": [
              { "id": "service-centre", "name": "政务服务中心" },
              { "id": "market-supervision", "name": "市场监督管理局" },
              { "id": "health", "name": "卫生健康委员会" },
              { "id": "fire-rescue", "name": "消防救援支队" } ] }
            """),
        ("test-permit.json", """
            { "kind": "licence-type", "id": "test-permit", "name": "测试经营许可", "version": "2026.1", "code": "TP", "jurisdiction": "CN",
              "legalLimitWorkingDays": 10, "promisedLimitWorkingDays": 8, "followUpWorkingDays": 2,
              "serviceCentre": { "departmentId": "service-centre", "mode": "auto-accept", "limitWorkingDays": 1 },
              "departments": [
                { "departmentId": "market-supervision", "role": "lead", "limitWorkingDays": 5 },
                { "departmentId": "health", "role": "co-handling", "limitWorkingDays": 4 },
                { "departmentId": "fire-rescue", "role": "co-handling", "limitWorkingDays": 4 } ],
              "formFields": [
                { "id": "scope", "name": "经营范围", "type": "string", "required": true, "minLength": 2, "maxLength": 200 },
                { "id": "address", "name": "经营场所", "type": "string", "required": true, "minLength": 5, "maxLength": 200 },
                { "id": "floorArea", "name": "经营面积（平方米）", "type": "number", "required": false, "minimum": 1, "maximum": 100000 },
                { "id": "premisesKind", "name": "场所类型", "type": "enum", "required": false, "values": [ "临街店铺", "商场专柜", "单位食堂" ] },
                { "id": "employees", "name": "从业人员人数", "type": "integer", "required": false, "minimum": 1, "maximum": 10000 },
                { "id": "delivery", "name": "是否网络经营", "type": "boolean", "required": false } ],
              "materials": [
                { "id": "application-form", "name": "申请书", "required": true, "allowedContentTypes": [ "application/pdf" ], "maxBytes": 1048576 },
                { "id": "site-photo", "name": "场所照片", "required": true, "allowedContentTypes": [ "image/jpeg", "image/png" ], "maxBytes": 1048576 },
                { "id": "floor-plan", "name": "平面图", "required": false, "allowedContentTypes": [ "application/pdf", "image/png" ], "maxBytes": 1048576 },
                { "id": "big-archive", "name": "图纸档案", "required": false, "allowedContentTypes": [ "application/pdf" ], "maxBytes": 209715200 } ] }
            """),
        ("test-manual.json", """
            { "kind": "licence-type", "id": "test-manual", "name": "测试受理许可", "version": "2026.1", "code": "TM", "jurisdiction": "CN",
              "legalLimitWorkingDays": 10, "promisedLimitWorkingDays": 8, "followUpWorkingDays": 2,
              "serviceCentre": { "departmentId": "service-centre", "mode": "manual", "limitWorkingDays": 2 },
              "departments": [ { "departmentId": "market-supervision", "role": "lead", "limitWorkingDays": 5 } ],
              "formFields": [
                { "id": "scope", "name": "经营范围", "type": "string", "required": true, "minLength": 2, "maxLength": 200 },
                { "id": "address", "name": "经营场所", "type": "string", "required": true, "minLength": 5, "maxLength": 200 } ],
              "materials": [
                { "id": "application-form", "name": "申请书", "required": true, "allowedContentTypes": [ "application/pdf" ], "maxBytes": 1048576 },
                { "id": "site-photo", "name": "场所照片", "required": false, "allowedContentTypes": [ "image/jpeg", "image/png" ], "maxBytes": 1048576 } ] }
            """),
    ]);
}
