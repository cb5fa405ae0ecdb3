import Foundation
import Testing
@testable import Sync

@Suite("SyncConfiguration")
struct ConfigurationTests {
    @Test("the documented keys decode, missing ones take their defaults")
    func decode() throws {
        let text = """
            {"appliance_id": "RF-110105-0001", "signing_key": "/etc/renfang/keys/sync.key",
             "destinations": [
               {"name": "bureau", "url": "https://fenju.example/renfang",
                "tls": {"ca_file": "/etc/renfang/tls/ca.pem", "client_certificate": "/etc/renfang/tls/me.pem",
                        "client_key": "/etc/renfang/tls/me.key", "pinned_public_key": "sha256//AAAA"},
                "retry": {"maximum_delay": 60}, "batch_size": 100},
               {"name": "province", "url": "https://sheng.example/", "kinds": ["person", "stay", "alert"], "proxy": "http://proxy:3128"}
             ]}
            """
        let configuration = try JSONDecoder().decode(SyncConfiguration.self, from: Data(text.utf8))
        try configuration.validate()
        #expect(configuration.priorityKinds == ["alert"] && configuration.diskReserveBytes == 512 << 20)
        #expect(configuration.signingKeyFile == "/etc/renfang/keys/sync.key")
        let bureau = configuration.destinations[0], province = configuration.destinations[1]
        #expect(bureau.batchSize == 100 && bureau.retry.maximumDelay == 60 && bureau.retry.initialDelay == 1)
        #expect(bureau.tls.clientKey == "/etc/renfang/tls/me.key" && bureau.tls.pinnedPublicKey == "sha256//AAAA")
        #expect(bureau.kinds == ["*"] && bureau.requestTimeout == 60 && bureau.inboxInterval == 60)
        #expect(province.proxy == "http://proxy:3128")
        #expect(configuration.routing.destinations(for: "house") == ["bureau"])
        #expect(configuration.routing.destinations(for: "alert") == ["bureau", "province"])
        #expect(configuration.routing.priority(of: "alert") == 1 && configuration.routing.priority(of: "person") == 0)
    }

    @Test("validation names the key")
    func validation() {
        var configuration = SyncWorld.configuration()
        configuration.destinations[1].name = "bureau"
        #expect { try configuration.validate() } throws: { ($0 as? SyncError)?.message.contains("sync.destinations[1].name") == true }
        configuration = SyncWorld.configuration()
        configuration.destinations[0].url = "ftp://x"
        #expect { try configuration.validate() } throws: { ($0 as? SyncError)?.message.contains("sync.destinations[0].url") == true }
        configuration = SyncWorld.configuration()
        configuration.destinations[0].retry.jitter = 2
        #expect { try configuration.validate() } throws: { ($0 as? SyncError)?.message.contains("sync.destinations[0].retry") == true }
        configuration = SyncWorld.configuration()
        configuration.applianceId = ""
        #expect { try configuration.validate() } throws: { ($0 as? SyncError)?.message.contains("sync.appliance_id") == true }
    }
}
