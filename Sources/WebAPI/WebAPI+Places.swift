import Foundation
import Hummingbird
import Registry

/// POST /stations.
struct StationRequest: Decodable {
    var stationCode: String?, stationName: String?, regionCode: String?

    var draft: StationDraft { StationDraft(code: stationCode, name: stationName, regionCode: regionCode) }
}

/// POST /communities, PUT /communities/{id}.
struct CommunityRequest: Decodable {
    var station: UUID?, regionCode: String?, streetOffice: String?, communityName: String?

    var draft: CommunityDraft { CommunityDraft(station: station, regionCode: regionCode, streetOffice: streetOffice, name: communityName) }
}

/// POST /xiaoqus, PUT /xiaoqus/{id}.
struct XiaoquRequest: Decodable {
    var community: UUID?, station: UUID?
    var xiaoquName: String?, xiaoquAddress: String?
    var developer: String?, builder: String?, propertyCompany: String?, propertyContact: String?, propertyPhone: String?
    var officerName: String?, officerBadge: String?, officerPhone: String?

    var draft: XiaoquDraft {
        XiaoquDraft(community: community, station: station, name: xiaoquName, address: xiaoquAddress, developer: developer,
                    builder: builder, propertyCompany: propertyCompany, propertyContact: propertyContact,
                    propertyPhone: propertyPhone, officerName: officerName, officerBadge: officerBadge, officerPhone: officerPhone)
    }
}

/// POST /buildings, PUT /buildings/{id}.
struct BuildingRequest: Decodable {
    var xiaoqu: UUID?, buildingName: String?, address: String?, floorsAbove: Int?, floorsBelow: Int?

    var draft: BuildingDraft {
        BuildingDraft(xiaoqu: xiaoqu, name: buildingName, address: address, floorsAbove: floorsAbove, floorsBelow: floorsBelow)
    }
}

/// POST /units, PUT /units/{id}.
struct UnitRequest: Decodable {
    var building: UUID?, unitName: String?

    var draft: UnitDraft { UnitDraft(building: building, name: unitName) }
}

/// A landlord or 治安责任人: `{"person": UUID}` for a record in scope, or the person's details.
struct PersonReferenceFields: Decodable {
    var reference: PersonReference

    private enum Keys: String, CodingKey { case person }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let uuid = try c.decodeIfPresent(UUID.self, forKey: .person) {
            reference = .existing(uuid)
        } else {
            reference = .identified(try PersonFields(from: decoder).draft)
        }
    }
}

/// POST /houses, PUT /houses/{id}.
struct HouseRequest: Decodable {
    var xiaoqu: UUID?, building: UUID?, unit: UUID?
    var floor: Int?
    var roomNumber: String?, houseAddress: String?
    var area: Double?
    var usage: String?
    var rentalStatus: RentalStatus?
    var rentalUse: String?, rentedRooms: Int?, rentedArea: Double?
    var landlord: PersonReferenceFields?, securityPerson: PersonReferenceFields?
    var rentalFilingNumber: String?

    var draft: HouseDraft {
        HouseDraft(xiaoqu: xiaoqu, building: building, unit: unit, floor: floor, roomNumber: roomNumber, address: houseAddress,
                   area: area, usage: usage, rentalStatus: rentalStatus ?? .notRented, rentalUse: rentalUse,
                   rentedRooms: rentedRooms, rentedArea: rentedArea, landlord: landlord?.reference,
                   securityPerson: securityPerson?.reference, rentalFilingNumber: rentalFilingNumber)
    }
}

/// POST /houses/{id}/cancel and /restore.
struct HouseStatusRequest: Decodable {
    var statusDate: RegisterDate?, statusReason: String?
}

/// POST /houses/{id}/inspections.
struct InspectionRequest: Decodable {
    var coordinator: UUID?
    var inspectedOn: RegisterDate?, inspectorName: String?
    var inspectionResult: String?, findings: String?, rectification: String?

    func draft(house: UUID) -> InspectionDraft {
        InspectionDraft(house: house, coordinator: coordinator, inspectedOn: inspectedOn, inspectorName: inspectorName,
                        result: inspectionResult, findings: findings, rectification: rectification)
    }
}

/// GET /places/tree: 社区 → 小区 → 楼栋 → 单元 in the caller's scope (houses: GET /xiaoqus/{id}/houses).
struct PlaceTree: Encodable {
    struct UnitNode: Encodable {
        var uuid: UUID, name: String
    }

    struct BuildingNode: Encodable {
        var uuid: UUID, name: String, floorsAbove: Int?, floorsBelow: Int?
        var units: [UnitNode]
    }

    struct XiaoquNode: Encodable {
        var uuid: UUID, name: String, address: String
        var buildings: [BuildingNode]
    }

    struct CommunityNode: Encodable {
        var uuid: UUID, name: String, regionCode: String, streetOffice: String?
        var xiaoqus: [XiaoquNode]
    }

    var communities: [CommunityNode]
}

extension WebAPI {
    /// The place hierarchy: stations, 社区, 小区, 楼栋, 单元, 户 (reads and writes, 注销/恢复, inspections).
    static func addPlaceRoutes(to api: RouterGroup<APIContext>, _ services: WebAPIServices) {
        let register = services.register

        api.get("places/tree") { _, context -> Response in
            try APIJSON.response(try await placeTree(register, actor: try context.requireActor()))
        }

        api.get("stations") { _, context -> Response in
            try APIJSON.response(try await register.stations(for: try context.requireActor()))
        }
        api.post("stations") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(StationRequest.self, from: request)
            return try APIJSON.response(try await register.createStation(body.draft, by: actor), status: .created)
        }

        api.get("communities") { _, context -> Response in
            try APIJSON.response(try await register.communities(for: try context.requireActor()))
        }
        api.post("communities") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(CommunityRequest.self, from: request)
            return try APIJSON.response(try await register.createCommunity(body.draft, by: actor), status: .created)
        }
        api.get("communities/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let value = try await register.community(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(value)
        }
        api.put("communities/{id}") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(CommunityRequest.self, from: request)
            return try APIJSON.response(try await register.updateCommunity(id, body.draft, by: actor))
        }

        api.get("xiaoqus") { _, context -> Response in
            try APIJSON.response(try await register.xiaoqus(for: try context.requireActor()))
        }
        api.post("xiaoqus") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(XiaoquRequest.self, from: request)
            return try APIJSON.response(try await register.createXiaoqu(body.draft, by: actor), status: .created)
        }
        api.get("xiaoqus/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let value = try await register.xiaoqu(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(value)
        }
        api.put("xiaoqus/{id}") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(XiaoquRequest.self, from: request)
            return try APIJSON.response(try await register.updateXiaoqu(id, body.draft, by: actor))
        }
        api.get("xiaoqus/{id}/buildings") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.buildings(inXiaoqu: try context.uuid(), for: actor))
        }
        api.get("xiaoqus/{id}/houses") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.houses(inXiaoqu: try context.uuid(), for: actor))
        }

        api.post("buildings") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(BuildingRequest.self, from: request)
            return try APIJSON.response(try await register.createBuilding(body.draft, by: actor), status: .created)
        }
        api.get("buildings/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let value = try await register.building(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(value)
        }
        api.put("buildings/{id}") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(BuildingRequest.self, from: request)
            return try APIJSON.response(try await register.updateBuilding(id, body.draft, by: actor))
        }
        api.get("buildings/{id}/units") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.units(inBuilding: try context.uuid(), for: actor))
        }

        api.post("units") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(UnitRequest.self, from: request)
            return try APIJSON.response(try await register.createUnit(body.draft, by: actor), status: .created)
        }
        api.get("units/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let value = try await register.unit(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(value)
        }
        api.put("units/{id}") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(UnitRequest.self, from: request)
            return try APIJSON.response(try await register.updateUnit(id, body.draft, by: actor))
        }

        api.post("houses") { request, context -> Response in
            let actor = try context.requireActor()
            let body = try await APIJSON.decode(HouseRequest.self, from: request)
            return try APIJSON.response(try await register.createHouse(body.draft, by: actor), status: .created)
        }
        api.get("houses/{id}") { _, context -> Response in
            let actor = try context.requireActor()
            guard let value = try await register.house(try context.uuid(), for: actor) else { throw APIError.notFound }
            return try APIJSON.response(value)
        }
        api.put("houses/{id}") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(HouseRequest.self, from: request)
            return try APIJSON.response(try await register.updateHouse(id, body.draft, by: actor))
        }
        api.post("houses/{id}/cancel") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(HouseStatusRequest.self, from: request)
            return try APIJSON.response(try await register.cancelHouse(id, on: body.statusDate, reason: body.statusReason, by: actor))
        }
        api.post("houses/{id}/restore") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(HouseStatusRequest.self, from: request)
            return try APIJSON.response(try await register.restoreHouse(id, on: body.statusDate, reason: body.statusReason, by: actor))
        }
        api.get("houses/{id}/status-changes") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.statusChanges(ofHouse: try context.uuid(), for: actor))
        }
        api.get("houses/{id}/inspections") { _, context -> Response in
            let actor = try context.requireActor()
            return try APIJSON.response(try await register.inspections(ofHouse: try context.uuid(), for: actor))
        }
        api.post("houses/{id}/inspections") { request, context -> Response in
            let actor = try context.requireActor()
            let id = try context.uuid()
            let body = try await APIJSON.decode(InspectionRequest.self, from: request)
            return try APIJSON.response(try await register.recordInspection(body.draft(house: id), by: actor), status: .created)
        }
    }

    /// The tree of the places the actor may see (each level read through the register's scoped reads).
    static func placeTree(_ register: RegisterStore, actor: Actor) async throws -> PlaceTree {
        let communities = try await register.communities(for: actor)
        let xiaoqus = try await register.xiaoqus(for: actor)
        var nodes: [PlaceTree.CommunityNode] = []
        for community in communities {
            var xiaoquNodes: [PlaceTree.XiaoquNode] = []
            for xiaoqu in xiaoqus where xiaoqu.communityUuid == community.uuid {
                var buildingNodes: [PlaceTree.BuildingNode] = []
                for building in try await register.buildings(inXiaoqu: xiaoqu.uuid, for: actor) {
                    let units = try await register.units(inBuilding: building.uuid, for: actor)
                    buildingNodes.append(.init(uuid: building.uuid, name: building.name, floorsAbove: building.floorsAbove,
                                               floorsBelow: building.floorsBelow,
                                               units: units.map { .init(uuid: $0.uuid, name: $0.name) }))
                }
                xiaoquNodes.append(.init(uuid: xiaoqu.uuid, name: xiaoqu.name, address: xiaoqu.address, buildings: buildingNodes))
            }
            nodes.append(.init(uuid: community.uuid, name: community.name, regionCode: community.regionCode,
                               streetOffice: community.streetOffice, xiaoqus: xiaoquNodes))
        }
        return PlaceTree(communities: nodes)
    }
}
