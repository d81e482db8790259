"""Anthropometry of the rendered athlete: segment lengths and joint offsets from body height.

Segment lengths are fixed fractions of body height ``H`` from Winter (2009), *Biomechanics and
Motor Control of Human Movement*, 4th ed., fig. 4.1 (after Drillis & Contini, 1966,
*Body segment parameters*, report 1166-03, New York University):

================  =========  =============================================
segment           fraction   landmarks (Winter's heights)
================  =========  =============================================
thigh             0.245 H    hip joint 0.530 H -> knee 0.285 H
shank             0.246 H    knee 0.285 H -> ankle 0.039 H
ankle height      0.039 H    lateral malleolus above the sole
foot length       0.152 H    heel to toe tip
trunk             0.288 H    hip joint 0.530 H -> shoulder joint 0.818 H
upper arm         0.186 H    shoulder -> elbow
forearm           0.146 H    elbow -> wrist
hand              0.108 H    wrist -> finger tip
head              0.130 H    chin 0.870 H -> top of the head 1.000 H
shoulder width    0.259 H
hip width         0.191 H
================  =========  =============================================

Joint centres of the two sides are placed at half the shoulder and hip widths either side of the
sagittal plane; only their depth (distance from the camera) depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Body"]


@dataclass(frozen=True)
class Body:
    """Segment lengths (m) of an athlete of a given height.

    Build it with :meth:`from_height`; every length is a fixed fraction of ``height_m``
    (Winter 2009, see the module docstring).

    Attributes
    ----------
    height_m : float
        Standing height (m).
    thigh_m, shank_m : float
        Hip-knee and knee-ankle joint-centre distances (m).
    ankle_height_m : float
        Ankle joint centre above the sole of the foot (m).
    heel_m, toe_m : float
        Distance along the sole from the point under the ankle back to the heel and forward to
        the toe tip (m); ``heel_m + toe_m`` is the foot length.
    trunk_m : float
        Hip-joint midpoint to shoulder-joint midpoint (m).
    neck_m : float
        Shoulder midpoint to the base of the skull along the trunk (m).
    head_m : float
        Chin to top of the head (m).
    upper_arm_m, forearm_m, hand_m : float
        Shoulder-elbow, elbow-wrist, wrist-finger tip (m).
    half_shoulder_m, half_hip_m : float
        Distance of each shoulder / hip joint centre from the sagittal midplane (m).
    """

    height_m: float
    thigh_m: float
    shank_m: float
    ankle_height_m: float
    heel_m: float
    toe_m: float
    trunk_m: float
    neck_m: float
    head_m: float
    upper_arm_m: float
    forearm_m: float
    hand_m: float
    half_shoulder_m: float
    half_hip_m: float

    @classmethod
    def from_height(cls, height_m: float = 1.80) -> Body:
        """Make the segment lengths of an athlete ``height_m`` tall (m), from Winter's proportions."""
        if not 1.0 <= height_m <= 2.5:
            raise ValueError(f"body height must be 1.0-2.5 m, got {height_m}")
        h = float(height_m)
        foot = 0.152 * h
        return cls(
            height_m=h,
            thigh_m=0.245 * h,
            shank_m=0.246 * h,
            ankle_height_m=0.039 * h,
            heel_m=0.18 * foot,  # the ankle sits above a point ~18 % of the foot length from the heel
            toe_m=0.82 * foot,
            trunk_m=0.288 * h,
            neck_m=0.052 * h,  # shoulder joint 0.818 H to chin 0.870 H
            head_m=0.130 * h,
            upper_arm_m=0.186 * h,
            forearm_m=0.146 * h,
            hand_m=0.108 * h,
            half_shoulder_m=0.259 * h / 2,
            half_hip_m=0.191 * h / 2,
        )

    @property
    def leg_m(self) -> float:
        """Hip to ankle with the knee straight (m)."""
        return self.thigh_m + self.shank_m

    @property
    def foot_m(self) -> float:
        """Heel to toe tip (m)."""
        return self.heel_m + self.toe_m

    @property
    def hip_height_m(self) -> float:
        """Hip joint height standing upright with flat feet (m)."""
        return self.leg_m + self.ankle_height_m
