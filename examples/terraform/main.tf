terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}

provider "google" {
  project = "acme-prod-platform"
  region  = "asia-northeast1"
}

# A second private cluster in the existing VPC of examples/compliant.snapshot.json.

resource "google_container_cluster" "gamma" {
  name                     = "gamma"
  project                  = "acme-prod-platform"
  location                 = "asia-northeast1"
  network                  = "vpc-private"
  subnetwork               = "gke-nodes"
  networking_mode          = "VPC_NATIVE"
  remove_default_node_pool = true
  initial_node_count       = 1
  deletion_protection      = true

  ip_allocation_policy {
    cluster_secondary_range_name  = "pods"
    services_secondary_range_name = "services"
  }

  private_cluster_config {
    enable_private_nodes    = true
    enable_private_endpoint = true
    master_ipv4_cidr_block  = "172.16.0.16/28"
  }

  master_authorized_networks_config {
    gcp_public_cidrs_access_enabled = false

    cidr_blocks {
      cidr_block   = "10.100.0.0/16"
      display_name = "on-prem"
    }
  }
}

resource "google_container_node_pool" "gamma_default" {
  name       = "default-pool"
  project    = "acme-prod-platform"
  location   = "asia-northeast1"
  cluster    = google_container_cluster.gamma.name
  node_count = 1

  node_config {
    machine_type    = "e2-standard-4"
    service_account = "gke-nodes@acme-prod-platform.iam.gserviceaccount.com"
  }
}

resource "google_compute_network_peering_routes_config" "gamma_control_plane" {
  project              = "acme-prod-platform"
  network              = "vpc-private"
  peering              = google_container_cluster.gamma.private_cluster_config[0].peering_name
  export_custom_routes = true
  import_custom_routes = false
}
