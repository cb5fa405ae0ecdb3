import Hummingbird
import Registry

/// Which logged-in roles may call each route of /api/v1 (`Role.name`: admin, securityOfficer, auditor,
/// police, desk). protocol-docs/openapi.yaml says the same per operation as `x-roles` (a test keeps both
/// equal, and calls every route as every role). Routes not listed are public (login, health, dictionaries,
/// the screen, the kiosk's address-gated routes).
///
/// This is the first gate, before any body or query is read: a role outside the list gets 403
/// `permission.denied` and learns nothing about the request. The register still checks the role and cuts
/// every query to the caller's scope (a record outside it is 404 `record.notFound`).
enum RouteRoles {
    static let staff: Set<String> = ["admin", "securityOfficer", "auditor", "police", "desk"]
    static let places: Set<String> = ["admin", "police", "desk"]
    static let people: Set<String> = ["police", "desk"]
    static let alerts: Set<String> = ["admin", "securityOfficer", "police"]

    /// "METHOD /api/v1/path/{param}" → (roles, what the refusal says the role may not do).
    static let table: [String: (roles: Set<String>, what: String)] = [
        "GET /api/v1/auth/me": (staff, "查看登录信息"),
        "POST /api/v1/auth/logout": (staff, "退出登录"),
        "POST /api/v1/auth/password": (staff, "修改密码"),
        "GET /api/v1/readers": (staff, "查看读卡器"),
        "GET /api/v1/events": (staff, "接收实时事件"),
        "GET /api/v1/templates/{kind}": (staff, "下载导入模板"),

        "GET /api/v1/places/tree": (places, "查看地址树"),
        "GET /api/v1/stations": (places, "查看派出所"),
        "POST /api/v1/stations": (["admin"], "新建派出所"),
        "GET /api/v1/communities": (places, "查看社区"),
        "POST /api/v1/communities": (["admin", "police"], "新建社区"),
        "GET /api/v1/communities/{id}": (places, "查看社区"),
        "PUT /api/v1/communities/{id}": (["admin", "police"], "修改社区"),
        "GET /api/v1/xiaoqus": (places, "查看小区"),
        "POST /api/v1/xiaoqus": (["admin", "police"], "新建小区"),
        "GET /api/v1/xiaoqus/{id}": (places, "查看小区"),
        "PUT /api/v1/xiaoqus/{id}": (places, "修改小区"),
        "GET /api/v1/xiaoqus/{id}/buildings": (places, "查看楼栋"),
        "GET /api/v1/xiaoqus/{id}/houses": (places, "查看房屋"),
        "POST /api/v1/buildings": (places, "新建楼栋"),
        "GET /api/v1/buildings/{id}": (places, "查看楼栋"),
        "PUT /api/v1/buildings/{id}": (places, "修改楼栋"),
        "GET /api/v1/buildings/{id}/units": (places, "查看单元"),
        "POST /api/v1/units": (places, "新建单元"),
        "GET /api/v1/units/{id}": (places, "查看单元"),
        "PUT /api/v1/units/{id}": (places, "修改单元"),
        "POST /api/v1/houses": (places, "新建房屋"),
        "GET /api/v1/houses/{id}": (places, "查看房屋"),
        "PUT /api/v1/houses/{id}": (places, "修改房屋"),
        "POST /api/v1/houses/{id}/cancel": (places, "注销房屋"),
        "POST /api/v1/houses/{id}/restore": (places, "恢复房屋"),
        "GET /api/v1/houses/{id}/status-changes": (places, "查看房屋状态变更"),
        "GET /api/v1/houses/{id}/inspections": (places, "查看房屋检查记录"),
        "POST /api/v1/houses/{id}/inspections": (people, "登记房屋检查"),
        "GET /api/v1/houses/{id}/residents": (people, "查看住户"),
        "GET /api/v1/houses/{id}/stays": (people, "查看居住记录"),

        "POST /api/v1/registrations": (people, "登记人员"),
        "POST /api/v1/registrations/card": (people, "刷卡登记人员"),
        "POST /api/v1/check-ins": (people, "办理入住"),
        "GET /api/v1/stays/{id}": (people, "查看居住记录"),
        "POST /api/v1/stays/{id}/check-out": (people, "办理退房"),
        "POST /api/v1/stays/{id}/transfer": (people, "办理迁移"),
        "POST /api/v1/stays/{id}/extension": (people, "延长居住期限"),
        "GET /api/v1/people": (people, "查询人员"),
        "GET /api/v1/people/{id}": (people, "查看人员"),
        "GET /api/v1/people/{id}/history": (people, "查看人员居住历史"),
        "GET /api/v1/people/{id}/declarations": (people, "查看居住申报"),
        "POST /api/v1/declarations": (people, "填报居住申报"),
        "GET /api/v1/declarations/{id}": (people, "查看居住申报"),
        "GET /api/v1/service-matters": (people, "查看服务事项"),
        "POST /api/v1/service-matters": (people, "登记服务事项"),
        "GET /api/v1/service-matters/{id}": (people, "查看服务事项"),
        "POST /api/v1/service-matters/{id}/progress": (people, "办理服务事项"),
        "POST /api/v1/coordinators": (["admin", "police"], "新建协管员"),
        "GET /api/v1/coordinators/{id}": (places, "查看协管员"),
        "POST /api/v1/coordinators/{id}/assignments": (["admin", "police"], "分配协管员"),
        "GET /api/v1/search/stays": (people, "查询居住记录"),
        "GET /api/v1/reminders": (places, "查看待办提醒"),
        "GET /api/v1/data-quality": (places, "查看数据质量"),
        "GET /api/v1/statistics/occupancy": (places, "查看统计"),
        "POST /api/v1/imports": (places, "导入数据"),
        "GET /api/v1/exports/{kind}": (people, "导出数据"),

        "GET /api/v1/cases": (people, "查看协查案件"),
        "GET /api/v1/cases/{id}": (people, "查看协查案件"),
        "POST /api/v1/cases/{id}/answer": (people, "答复协查案件"),
        "POST /api/v1/cases/{id}/repair": (people, "重新配对协查案件"),
        "GET /api/v1/case-progress": (people, "查看协查进度"),
        "GET /api/v1/case-progress/export": (people, "导出协查进度"),
        "GET /api/v1/notices": (people, "查看通知公告"),
        "POST /api/v1/notices/{id}/read": (people, "标记通知已读"),
        "GET /api/v1/todo": (people, "查看待办事宜"),
        "GET /api/v1/todo/counts": (people, "查看待办事宜"),
        "GET /api/v1/reports": (people, "查看通报"),
        "POST /api/v1/reports": (people, "填报通报"),

        "GET /api/v1/watchlist/status": (alerts, "查看预警名单状态"),
        "POST /api/v1/watchlist/bundles": (["admin", "securityOfficer"], "导入预警名单"),
        "POST /api/v1/watchlist/check": (["police"], "比对预警名单"),
        "GET /api/v1/alerts": (alerts, "查看预警"),
        "GET /api/v1/alerts/{id}": (alerts, "查看预警"),
        "POST /api/v1/alerts/{id}/progress": (["police"], "处置预警"),
        "GET /api/v1/queue": (alerts, "查看同步队列"),
        "POST /api/v1/queue/redrive": (["admin"], "重发隔离区记录"),
        "POST /api/v1/audit/verify": (["admin", "securityOfficer", "auditor"], "校验审计日志"),
        "GET /api/v1/audit/entries": (["auditor"], "查看审计日志"),
    ]
}

/// Applies ``RouteRoles`` to the routes added after it (it runs once the route is matched, so the
/// route's template is known): no session → 401 `auth.required`; a role outside the route's list → 403
/// `permission.denied`.
struct RouteRoleMiddleware: RouterMiddleware {
    typealias Context = APIContext

    func handle(_ request: Request, context: APIContext,
                next: (Request, APIContext) async throws -> Response) async throws -> Response {
        if let template = context.endpointPath, let rule = RouteRoles.table["\(request.method.rawValue) \(template)"] {
            guard let session = context.session else { throw APIError.unauthenticated }
            guard rule.roles.contains(session.actor.role.name) else {
                throw APIError(.forbidden, code: "permission.denied", message: "您的角色无权\(rule.what)")
            }
        }
        return try await next(request, context)
    }
}
