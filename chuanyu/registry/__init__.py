"""Business registration: names, unified social credit codes and signed electronic licences."""
